import type { TableRow } from './table-rows';
import { SqlTableSource } from './sql-table.source';

const rows: TableRow[] = [
  { slug: 'acme', db_password: 'pw-canary-1', db_user: 'acme' },
  { slug: 'globex', db_password: 'pw-canary-2', db_user: 'globex' },
  { slug: null, db_password: 'pw-canary-3', db_user: 'x' },
  { slug: 'dup', db_password: 'a', db_user: 'a' },
  { slug: 'dup', db_password: 'b', db_user: 'b' },
];

const make = (query = jest.fn(async () => ({ rows }))) => ({
  query,
  source: new SqlTableSource({ client: query, query: 'SELECT * FROM clients', secretName: 'app/clients/{slug}', columns: 'db.user=db_user,db.password=db_password' }),
});

describe('SqlTableSource', () => {
  it('serves one JSON secret per row with one query per fetch, and stable version ids', async () => {
    const { source, query } = make();
    const [a, g] = await source.fetch([{ secretId: 'app/clients/acme' }, { secretId: 'app/clients/globex' }]);
    expect(query).toHaveBeenCalledTimes(1);
    expect(a.ok && a.value.json()).toEqual({ db: { password: 'pw-canary-1', user: 'acme' } });
    expect(a.ok && a.value.source).toBe('sql');
    expect(g.ok && g.value.text()).toBe('{"db":{"password":"pw-canary-2","user":"globex"}}');
    const [again] = await source.fetch([{ secretId: 'app/clients/acme' }]);
    expect(again.ok && a.ok && again.value.versionId === a.value.versionId).toBe(true);
  });

  it('explains missing, ambiguous and unnamed rows without values', async () => {
    const { source } = make();
    const [missing, dup, prev] = await source.fetch([{ secretId: 'app/clients/nope' }, { secretId: 'app/clients/dup' }, { secretId: 'app/clients/acme', versionStage: 'AWSPREVIOUS' }]);
    expect(!missing.ok && missing.error.message).toMatch(/no row of the query maps to it .*1 row\(s\) had no usable name \(first: row 3 of the sql query: column "slug" is empty/);
    expect(!dup.ok && dup.error.message).toMatch(/row 4 and row 5 both map to it/);
    expect(!prev.ok && prev.error.name).toBe('SecretNotFoundError');
    expect(JSON.stringify([missing, dup, prev].map((r) => !r.ok && r.error.message))).not.toMatch(/canary/);
  });

  it('classifies a driver failure (connection refused is transient)', async () => {
    const { source } = make(jest.fn(async () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }))));
    const [r] = await source.fetch([{ secretId: 'app/clients/acme' }]);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.transient).toBe(true);
  });

  it('accepts a pg-like client object and checks its options', () => {
    expect(() => new SqlTableSource({ client: { query: async () => ({ rows: [] }) }, query: 'select 1', secretName: 'a/{b}', columns: 'x=b' })).not.toThrow();
    expect(() => new SqlTableSource({ client: {} as never, query: 'select 1', secretName: 'a/{b}', columns: 'x=b' })).toThrow(/client/);
    expect(() => new SqlTableSource({ client: async () => ({ rows: [] }), query: 'select 1', secretName: 'a/b', columns: 'x=b' })).toThrow(/placeholder/);
  });
});
