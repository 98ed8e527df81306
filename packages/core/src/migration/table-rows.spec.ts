import { SecretMappingError } from '../errors/secret-mapping.error';
import { canonicalJson, compileNameTemplate, parseColumnMapping, rowToSecretObject } from './table-rows';

describe('parseColumnMapping', () => {
  it('reads text and object forms, with nested key paths', () => {
    expect(parseColumnMapping('db.password=db_password, db.user=db_user,slug=slug')).toEqual([
      { path: ['db', 'password'], column: 'db_password' },
      { path: ['db', 'user'], column: 'db_user' },
      { path: ['slug'], column: 'slug' },
    ]);
    expect(parseColumnMapping({ 'smtp.password': 'smtp_app_password' })).toEqual([{ path: ['smtp', 'password'], column: 'smtp_app_password' }]);
  });

  it.each([
    ['db.password', /not of the form key.path=column/],
    ['db..password=x', /"db..password" has an empty segment/],
    ['db=a,db.password=b', /"db" is both a value and the parent of "db.password"/],
    ['a=x,a=y', /"a" is mapped twice/],
    ['a=lower(x)', /not a column name/],
    ['', /empty/],
  ])('refuses %j with a message naming the key', (spec, message) => {
    expect(() => parseColumnMapping(spec)).toThrow(SecretMappingError);
    expect(() => parseColumnMapping(spec)).toThrow(message);
  });
});

describe('compileNameTemplate', () => {
  it('renders one name per row', () => {
    const t = compileNameTemplate('app/clients/{slug}/{ region }');
    expect(t.columns).toEqual(['slug', 'region']);
    expect(t.render({ slug: 'acme', region: 'eu' }, 'row 1')).toBe('app/clients/acme/eu');
    expect(t.render({ slug: 42, region: 'eu' }, 'row 1')).toBe('app/clients/42/eu');
  });

  it('names the row and the column when a part is missing, empty or unusable', () => {
    const t = compileNameTemplate('app/clients/{slug}');
    expect(() => t.render({}, 'row 3')).toThrow('row 3: the query returns no column "slug"');
    expect(() => t.render({ slug: null }, 'row 4')).toThrow('row 4: column "slug" is empty');
    expect(() => t.render({ slug: 'a b' }, 'row 5')).toThrow(/row 5: the secret name built from template app\/clients\/\{slug\} has characters/);
    expect(() => compileNameTemplate('app/clients')).toThrow(/no \{column\} placeholder/);
  });
});

describe('rowToSecretObject', () => {
  const bindings = parseColumnMapping('db.host=db_host,db.port=db_port,db.password=db_password,smtp.user=smtp_user,since=created_at,extra=meta,big=big');

  it('builds nested JSON with the column types JSON can hold', () => {
    const row = { db_host: 'h', db_port: 5432, db_password: 'pw-canary', smtp_user: null, created_at: new Date('2024-01-02T03:04:05Z'), meta: { a: [1] }, big: 12n };
    expect(rowToSecretObject(row, bindings, 'row 1')).toEqual({
      db: { host: 'h', port: 5432, password: 'pw-canary' },
      smtp: { user: null },
      since: '2024-01-02T03:04:05.000Z',
      extra: { a: [1] },
      big: '12',
    });
  });

  it('names the row, key and column of a bad value, never the value', () => {
    const row = { db_host: 'h', db_port: 1, db_password: Buffer.from('binary-canary'), smtp_user: 'u', created_at: new Date(0), meta: null, big: 1 };
    let message = '';
    try {
      rowToSecretObject(row, bindings, 'row 9 (secret app/clients/acme)');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe('row 9 (secret app/clients/acme): column "db_password" (JSON key "db.password") holds binary data, which a JSON secret cannot hold');
    expect(() => rowToSecretObject({ db_host: 'h' }, bindings, 'row 2')).toThrow('row 2: the query returns no column "db_port" (JSON key "db.port")');
  });

  it('canonical JSON sorts keys at every depth', () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: 2 } })).toBe('{"a":{"c":2,"d":[{"y":2,"z":1}]},"b":1}');
  });
});
