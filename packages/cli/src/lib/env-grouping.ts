import { UsageError } from './errors/usage-error.js';

/** How `migrate-env` groups variables into secrets. */
export type GroupBy = 'prefix' | 'service' | 'none';

/** Where one variable goes: secret id and JSON key. */
export interface EnvTarget {
  secretId: string;
  key: string;
}

/** One variable's assignment. */
export interface EnvAssignment extends EnvTarget {
  envName: string;
}

/** Known services: variable prefixes that share a secret, and conventional key names inside it. */
const SERVICES: { group: string; prefixes: string[]; aliases?: Record<string, string> }[] = [
  {
    group: 'database',
    prefixes: ['DATABASE', 'DB', 'POSTGRES', 'POSTGRESQL', 'PG', 'MYSQL'],
    // The key names AWS's database rotation functions expect (username, password, host, port, dbname).
    aliases: { user: 'username', username: 'username', login: 'username', pass: 'password', password: 'password', pwd: 'password', host: 'host', hostname: 'host', port: 'port', name: 'dbname', db: 'dbname', database: 'dbname', dbname: 'dbname' },
  },
  { group: 'redis', prefixes: ['REDIS'], aliases: { user: 'username', username: 'username', pass: 'password', password: 'password', pwd: 'password', host: 'host', port: 'port' } },
  { group: 'stripe', prefixes: ['STRIPE'] },
  { group: 'smtp', prefixes: ['SMTP', 'MAIL', 'EMAIL'], aliases: { user: 'username', username: 'username', pass: 'password', password: 'password', host: 'host', port: 'port' } },
  { group: 'jwt', prefixes: ['JWT'] },
];
/** libpq's variables (PGHOST, PGUSER, ...) have no underscore after the prefix. */
const LIBPQ = /^PG(HOST|PORT|USER|PASSWORD|DATABASE|SSLMODE)$/;

/**
 * Lower camel case of an upper-snake name: `WEBHOOK_SECRET` → `webhookSecret`, `NODE_ENV` → `nodeEnv`.
 * Digits stay attached (`S3_BUCKET` → `s3Bucket`).
 */
export function camelKey(name: string): string {
  const parts = name.split(/[_.\-]+/).filter(Boolean).map((p) => p.toLowerCase());
  if (parts.length === 0) return name;
  return parts[0] + parts.slice(1).map((p) => p.charAt(0).toUpperCase() + p.slice(1)).join('');
}

function serviceOf(name: string): { group: string; rest: string; aliases?: Record<string, string> } | undefined {
  const pq = LIBPQ.exec(name);
  if (pq) return { group: 'database', rest: pq[1], aliases: SERVICES[0].aliases };
  for (const s of SERVICES) {
    for (const p of s.prefixes) {
      if (name.startsWith(p + '_') && name.length > p.length + 1) return { group: s.group, rest: name.slice(p.length + 1), aliases: s.aliases };
    }
  }
  return undefined;
}

/** Normalises the secret id prefix (`app/prod/` → `app/prod`). */
export function normalisePrefix(prefix: string): string {
  const p = prefix.trim().replace(/\/+$/, '');
  if (!p || !/^[A-Za-z0-9/_+=.@-]+$/.test(p)) throw new UsageError(`--prefix "${prefix}" is not a valid secret name prefix (letters, digits and /_+=.@-), e.g. app/prod`);
  return p;
}

/**
 * Assigns each variable to a secret and key.
 *
 * - `service`: known services get their own secret — `DATABASE_*`/`DB_*`/`POSTGRES_*`/`PG*` →
 *   `<prefix>/database`, `REDIS_*` → `redis`, `STRIPE_*` → `stripe`, `SMTP_*`/`MAIL_*`/`EMAIL_*` →
 *   `smtp`, `JWT_*` → `jwt`; the prefix is dropped from the key (`STRIPE_SECRET_KEY` →
 *   `secretKey`) and database/Redis/SMTP keys use the names rotation functions expect
 *   (`DB_USER` → `username`, `DB_PASS` → `password`, `DB_NAME` → `dbname`). Everything else
 *   goes to `<prefix>/app` under its whole name (`NODE_ENV` → `nodeEnv`).
 * - `prefix` (default): as `service`, and any other first word shared by at least two
 *   variables (`SENTRY_DSN`, `SENTRY_ENV`) becomes its own secret (`<prefix>/sentry`).
 * - `none`: everything in `<prefix>/app` under its whole name.
 *
 * Keys are lower camel case. When two variables land on the same key, the later one (by name)
 * keeps its whole name as key. `overrides` (from `--map`) win; `null` skips a variable.
 */
export function groupEnvVariables(
  names: readonly string[],
  opts: { prefix: string; groupBy: GroupBy; overrides?: ReadonlyMap<string, EnvTarget | null> },
): EnvAssignment[] {
  const prefix = normalisePrefix(opts.prefix);
  const sorted = [...new Set(names)].sort();
  const firstWord = (n: string) => (n.includes('_') ? n.slice(0, n.indexOf('_')) : undefined);
  const wordCount = new Map<string, number>();
  for (const n of sorted) {
    const w = firstWord(n);
    if (w && !serviceOf(n) && !opts.overrides?.has(n)) wordCount.set(w, (wordCount.get(w) ?? 0) + 1);
  }
  const out: EnvAssignment[] = [];
  const used = new Map<string, Set<string>>();
  const claim = (secretId: string, key: string, fallback: string) => {
    const keys = used.get(secretId) ?? new Set<string>();
    used.set(secretId, keys);
    const k = keys.has(key) ? fallback : key;
    if (keys.has(k)) return undefined;
    keys.add(k);
    return k;
  };
  // Explicit mappings first so that grouped variables yield to them on key collisions.
  for (const n of sorted) {
    const o = opts.overrides?.get(n);
    if (o) {
      const key = claim(o.secretId, o.key, o.key);
      if (key === undefined) throw new UsageError(`--map assigns two variables to ${o.secretId} key "${o.key}"`);
      out.push({ envName: n, secretId: o.secretId, key });
    }
  }
  for (const n of sorted) {
    if (opts.overrides?.has(n)) continue;
    let group = 'app';
    let key = camelKey(n);
    if (opts.groupBy !== 'none') {
      const s = serviceOf(n);
      if (s) {
        group = s.group;
        const rest = camelKey(s.rest);
        key = s.aliases?.[rest.toLowerCase()] ?? rest;
      } else if (opts.groupBy === 'prefix') {
        const w = firstWord(n);
        if (w && (wordCount.get(w) ?? 0) >= 2 && n.length > w.length + 1) {
          group = w.toLowerCase();
          key = camelKey(n.slice(w.length + 1));
        }
      }
    }
    const secretId = `${prefix}/${group}`;
    const claimed = claim(secretId, key, camelKey(n)) ?? claim(secretId, n, n);
    if (claimed === undefined) throw new UsageError(`Cannot place ${n}: key collision in ${secretId}; use --map to assign it`);
    out.push({ envName: n, secretId, key: claimed });
  }
  return out.sort((a, b) => a.secretId.localeCompare(b.secretId) || a.key.localeCompare(b.key));
}

/**
 * The mapping file for @keyturn/core's EnvSource / DotenvSource (`VariableMapping`):
 * secret id → { JSON key: variable name }, sorted.
 * @example { "app/prod/database": { "password": "DB_PASSWORD", "username": "DB_USER" } }
 */
export function toVariableMapping(assignments: readonly EnvAssignment[]): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const a of [...assignments].sort((x, y) => x.secretId.localeCompare(y.secretId) || x.key.localeCompare(y.key))) {
    (out[a.secretId] ??= {})[a.key] = a.envName;
  }
  return out;
}

/**
 * Reads `--map`: either the mapping-file format (secret id → { key: VARIABLE }) or per variable
 * (`{ "VARIABLE": { "secretId": "...", "key": "..." } }`, `null` to skip the variable).
 */
export function parseMapOverrides(file: string, value: unknown): Map<string, EnvTarget | null> {
  const bad = () => new UsageError(`${file}: expected {"secret/id": {"key": "ENV_NAME"}} or {"ENV_NAME": {"secretId": "...", "key": "..."} | null}`);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad();
  const out = new Map<string, EnvTarget | null>();
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (v === null) out.set(k, null);
    else if (typeof v === 'object' && v !== null && 'secretId' in v) {
      const t = v as { secretId?: unknown; key?: unknown };
      if (typeof t.secretId !== 'string' || typeof t.key !== 'string' || !t.secretId || !t.key) throw bad();
      out.set(k, { secretId: t.secretId, key: t.key });
    } else if (typeof v === 'object' && v !== null) {
      for (const [key, env] of Object.entries(v as Record<string, unknown>)) {
        if (typeof env !== 'string') throw bad();
        out.set(env, { secretId: k, key });
      }
    } else throw bad();
  }
  return out;
}
