import { createHmac, randomBytes } from 'node:crypto';
import { classifyError } from '../errors/classify-error.js';
import { KeyturnError } from '../errors/keyturn.error.js';
import { SecretNotFoundError } from '../errors/secret-not-found.error.js';
import { describeVersion, isCurrentRequest, type SecretFetchResult, type SecretRequest, type SecretSource, type SourceObserver } from '../sources/secret-source.js';
import { INSPECT } from '../values/redaction.js';
import { SecretValue } from '../values/secret-value.js';
import { canonicalJson, compileNameTemplate, parseColumnMapping, rowToSecretObject, type ColumnBinding, type ColumnMapping, type NameTemplate, type TableRow } from './table-rows.js';

/**
 * Runs a query and returns its rows. node-postgres fits as is: `(text, values) => pool.query(text, values)`.
 * Keyturn does not depend on a driver; any client with this shape works.
 */
export type SqlQueryFunction = (text: string, values?: readonly unknown[]) => Promise<{ rows: readonly TableRow[] }>;

/** Options of {@link SqlTableSource}. */
export interface SqlTableSourceOptions {
  /**
   * Runs the query: a `pg` Pool or Client (anything with `query(text, values)` returning `{ rows }`),
   * or a function. Keyturn never ends the pool; the application owns it.
   * @example new Pool({ connectionString: process.env.LEGACY_DATABASE_URL })
   */
  client: { query(text: string, values?: unknown[]): Promise<{ rows: TableRow[] }> } | SqlQueryFunction;
  /**
   * The query returning one row per secret, with the columns the name template and the mapping use.
   * It is run once per fetch (start-up and each refresh), whatever the number of secrets.
   * @example 'SELECT slug, db_host, db_user, db_password, smtp_user, smtp_app_password FROM clients'
   */
  query: string;
  /**
   * Secret name of each row: `{column}` is replaced by the row's value of that column.
   * @example 'app/clients/{slug}'
   */
  secretName: string;
  /**
   * JSON key path to column; dots make nested objects. The same mapping as `keyturn migrate-table --columns`.
   * @example { 'db.host': 'db_host', 'db.user': 'db_user', 'db.password': 'db_password', 'smtp.user': 'smtp_user', 'smtp.password': 'smtp_app_password' }
   */
  columns: ColumnMapping;
  /**
   * Name recorded as the value's source.
   * @default 'sql'
   */
  name?: string;
}

interface Snapshot {
  bySecret: Map<string, { text: string; row: number } | { error: KeyturnError }>;
  rowErrors: KeyturnError[];
}

/**
 * Serves secrets from rows of a table (the credentials an application keeps in its own database
 * before moving them to Secrets Manager): one secret per row, named by a template, shaped by a
 * column mapping. The JSON is the same `keyturn migrate-table` writes, so the two compare equal.
 * Version ids are an HMAC of the content under a per-instance random key: stable while a row is
 * unchanged, new when it changes, useless for guessing the value.
 */
export class SqlTableSource implements SecretSource {
  readonly name: string;
  readonly #query: SqlQueryFunction;
  readonly #text: string;
  readonly #template: NameTemplate;
  readonly #bindings: ColumnBinding[];
  readonly #observers = new Set<SourceObserver>();
  #key?: Buffer;

  constructor(options: SqlTableSourceOptions) {
    this.name = options.name ?? 'sql';
    const c = options.client;
    if (typeof c === 'function') this.#query = c;
    else if (c && typeof c.query === 'function') this.#query = (text, values) => c.query(text, values ? [...values] : undefined);
    else throw new TypeError('SqlTableSource: `client` must be a pg Pool/Client or a query function');
    if (typeof options.query !== 'string' || options.query.trim() === '') throw new TypeError('SqlTableSource: `query` must be an SQL query');
    this.#text = options.query;
    this.#template = compileNameTemplate(options.secretName);
    this.#bindings = parseColumnMapping(options.columns);
  }

  observe(observer: SourceObserver): () => void {
    this.#observers.add(observer);
    return () => this.#observers.delete(observer);
  }

  async fetch(requests: readonly SecretRequest[]): Promise<SecretFetchResult[]> {
    if (requests.length === 0) return [];
    let snapshot: Snapshot;
    try {
      for (const o of this.#observers) o.apiCall('SqlQuery');
      snapshot = this.#snapshot((await this.#query(this.#text)).rows);
    } catch (err) {
      // Driver errors are classified like any other (connection refused and timeouts are transient).
      return requests.map((request) => ({
        request,
        ok: false as const,
        error: err instanceof KeyturnError ? err : classifyError(err, { secretId: request.secretId, source: this.name, version: describeVersion(request) }),
      }));
    }
    return requests.map((request) => this.#one(request, snapshot));
  }

  #snapshot(rows: readonly TableRow[]): Snapshot {
    const bySecret: Snapshot['bySecret'] = new Map();
    const rowErrors: KeyturnError[] = [];
    rows.forEach((row, i) => {
      const label = `row ${i + 1} of the ${this.name} query`;
      let secretId: string;
      try {
        secretId = this.#template.render(row, label);
      } catch (err) {
        rowErrors.push(err as KeyturnError);
        return;
      }
      const seen = bySecret.get(secretId);
      if (seen) {
        const first = 'row' in seen ? `row ${seen.row}` : 'an earlier row';
        bySecret.set(secretId, { error: new SecretNotFoundError(`Secret "${secretId}" is ambiguous in the ${this.name} source: ${first} and row ${i + 1} both map to it`, { secretId, code: 'DuplicateRow', hint: 'make the name template columns unique in the query' }) });
        return;
      }
      try {
        const text = canonicalJson(rowToSecretObject(row, this.#bindings, `${label} (secret ${secretId})`));
        bySecret.set(secretId, { text, row: i + 1 });
      } catch (err) {
        bySecret.set(secretId, { error: err as KeyturnError });
      }
    });
    return { bySecret, rowErrors };
  }

  #one(request: SecretRequest, snapshot: Snapshot): SecretFetchResult {
    const { secretId } = request;
    if (!isCurrentRequest(request)) {
      return { request, ok: false, error: new SecretNotFoundError(`Secret "${secretId}" (${describeVersion(request)}) is not available from the ${this.name} source: a table holds the current value only`, { secretId, code: 'ResourceNotFoundException', hint: 'the version stage of the reference' }) };
    }
    const found = snapshot.bySecret.get(secretId);
    if (!found) {
      const skipped = snapshot.rowErrors.length ? `; ${snapshot.rowErrors.length} row(s) had no usable name (first: ${snapshot.rowErrors[0].message})` : '';
      return { request, ok: false, error: new SecretNotFoundError(`Secret "${secretId}" is not in the ${this.name} source: no row of the query maps to it (template ${this.#template.template})${skipped}`, { secretId, code: 'ResourceNotFoundException', hint: 'the query and the name template' }) };
    }
    if ('error' in found) return { request, ok: false, error: found.error };
    const key = (this.#key ??= randomBytes(32));
    const h = createHmac('sha256', key).update(secretId).update('\0').update(found.text).digest('hex');
    const versionId = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
    return { request, ok: true, value: new SecretValue({ secretId, name: secretId, versionId, source: this.name, secretString: found.text }) };
  }

  toString(): string {
    return `SqlTableSource(${this.name}: ${this.#template.template})`;
  }

  toJSON(): Record<string, unknown> {
    return { source: this.name, secretName: this.#template.template, columns: this.#bindings.map((b) => `${b.path.join('.')}=${b.column}`) };
  }

  [INSPECT](): string {
    return this.toString();
  }
}
