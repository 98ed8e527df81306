import { InvalidSecretsOptionsError } from './errors/invalid-secrets-options.error';
import { SECRETS_DEFAULTS } from './secrets.defaults';
import { resolveSecretsOptions } from './secrets-options.validator';

const problems = (options: unknown): readonly string[] => {
  try {
    resolveSecretsOptions(options as never);
  } catch (e) {
    if (e instanceof InvalidSecretsOptionsError) return e.problems;
    throw e;
  }
  throw new Error('expected the options to be rejected');
};

describe('resolveSecretsOptions', () => {
  it('applies the defaults', () => {
    const r = resolveSecretsOptions({});
    expect(r).toMatchObject({ sources: ['aws'], ttlMs: SECRETS_DEFAULTS.ttlMs, staleIfErrorMs: 86_400_000, refreshJitter: [0.5, 1] });
  });

  it('lists every problem at once with what to do', () => {
    const list = problems({ ttlMs: -1, sources: ['aws', 'vault'], refreshJitter: [0.9, 0.1], logger: {} });
    expect(list).toHaveLength(4);
    expect(list.join('\n')).toMatch(/ttlMs must be a positive number/);
    expect(list.join('\n')).toMatch(/unknown source 'vault'; use one of 'aws', 'env', 'dotenv'/);
  });

  it('requires a mapping for the env source and variables for tenant templates', () => {
    expect(problems({ sources: ['aws', 'env'] })[0]).toMatch(/env: \{ mapping/);
    expect(problems({ tenants: { template: '{app}/{env}/clients/{tenant}' }, variables: { app: 'pay' } })).toEqual([
      'tenants.template uses {env}: set variables.env',
    ]);
    expect(problems({ tenants: { template: 'clients/fixed' } })[0]).toMatch(/containing \{tenant\}/);
  });

  it('checks startupJitterMs', () => {
    expect(problems({ startupJitterMs: -5 })).toEqual(['startupJitterMs must be 0 or a positive number of milliseconds (got -5)']);
    expect(resolveSecretsOptions({ startupJitterMs: 20_000 }).startupJitterMs).toBe(20_000);
  });

  it('refuses a client together with endpoint settings', () => {
    expect(problems({ client: {}, region: 'eu-west-1' })[0]).toMatch(/either client or region/);
  });

  it('checks the invalidation options: one of redisSecret and bus, a watcher prefix, positive rates', () => {
    expect(problems({ invalidation: {} })).toEqual(['invalidation needs exactly one of redisSecret (the secret with the Redis credentials of the bus) and bus']);
    expect(problems({ invalidation: { redisSecret: '' } })).toEqual(["invalidation.redisSecret must be a secret id or a defineSecret() definition, e.g. 'app/prod/redis'"]);
    expect(problems({ invalidation: { redisSecret: 'r', watcher: { intervalMs: 5 } } })).toEqual(["invalidation.watcher must be false or { prefix: 'app/prod/', intervalMs?, lockTtlMs?, lockKey? }"]);
    expect(problems({ invalidation: { redisSecret: 'r', maxRefreshRate: 0, refreshBurst: 1.5, watcher: { prefix: 'a/', lockTtlMs: 1 } } })).toEqual([
      'invalidation.maxRefreshRate must be a positive number of refreshes per second',
      'invalidation.refreshBurst must be a positive integer',
      'invalidation.watcher.lockTtlMs must be at least 30 milliseconds',
    ]);
    expect(problems({ invalidation: { bus: { publish: 1 } } })).toEqual(['invalidation.bus must be an InvalidationBus (publish, subscribe, close)']);
    const bus = { publish: async () => undefined, subscribe: async () => undefined, close: async () => undefined };
    expect(problems({ invalidation: { bus, watcher: { prefix: 'app/' } } })).toEqual([
      'invalidation.watcher needs redisSecret: its lock lives in that Redis (with a bus of your own, run FleetWatcher from @keyturn/core yourself)',
    ]);
    expect(resolveSecretsOptions({ invalidation: { redisSecret: { secretId: 'app/redis' }, watcher: { prefix: 'app/' } } }).invalidation).toEqual({ redisSecret: { secretId: 'app/redis' }, watcher: { prefix: 'app/' } });
  });

  it('checks replica regions: a primary region, distinct names, no single client', () => {
    expect(problems({ replicaRegions: ['eu-west-1'] })).toEqual(['replicaRegions needs region (the primary region)']);
    expect(problems({ region: 'eu-west-1', replicaRegions: ['eu-west-1'] })).toEqual(['replicaRegions must be distinct and must not repeat region']);
    expect(problems({ region: 'us-east-1', replicaRegions: 'eu-west-1' })).toEqual(["replicaRegions must be a list of region names (e.g. ['eu-west-1'])"]);
    expect(resolveSecretsOptions({ region: 'us-east-1', replicaRegions: ['eu-west-1'] }).replicaRegions).toEqual(['eu-west-1']);
  });

  it('checks the migration option', () => {
    expect(problems({ migration: { old: 'dotenv' } })).toEqual(["migration.old is 'dotenv': set dotenv: { mapping: { '<secret id>': 'VAR' } }"]);
    expect(problems({ migration: { old: {}, prefer: 'both' } })).toEqual([
      "migration.old must be 'env', 'dotenv' or a SecretSource (e.g. a SqlTableSource over the table that holds the secrets)",
      'migration.prefer must be \'old\' or \'new\' (got "both")',
    ]);
    expect(problems({ migration: { old: { name: 'x', fetch: async () => [] } }, store: {} })[0]).toMatch(/migration needs the store the module builds/);
    expect(resolveSecretsOptions({ migration: { old: 'env', prefer: 'new' }, env: { mapping: { 'app/db': 'DB' } } }).migration).toEqual({ old: 'env', prefer: 'new' });
  });
});
