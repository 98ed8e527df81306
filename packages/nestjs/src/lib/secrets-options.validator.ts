import { InvalidSecretsOptionsError } from './errors/invalid-secrets-options.error.js';
import type { SecretsModuleOptions, SecretSourceName } from './interfaces/secrets-module-options.interface.js';
import { SECRETS_DEFAULTS } from './secrets.defaults.js';
import { templateVariables } from './secret-name.template.js';

const SOURCE_NAMES: readonly SecretSourceName[] = ['aws', 'env', 'dotenv'];

/** Options with every default applied. */
export type ResolvedSecretsOptions = SecretsModuleOptions & {
  sources: NonNullable<SecretsModuleOptions['sources']>;
  ttlMs: number;
  staleIfErrorMs: number;
  refreshJitter: readonly [number, number];
  variables: Readonly<Record<string, string>>;
};

const isFn = (v: unknown): boolean => typeof v === 'function';
const isPositive = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;

/**
 * Checks the options once, applies defaults, and throws {@link InvalidSecretsOptionsError}
 * listing every problem (never a value: options hold no secret values).
 */
export function resolveSecretsOptions(options: SecretsModuleOptions | undefined): ResolvedSecretsOptions {
  const o: SecretsModuleOptions = options ?? {};
  const problems: string[] = [];
  if (typeof o !== 'object') throw new InvalidSecretsOptionsError(['options must be an object']);

  if (o.ttlMs !== undefined && !isPositive(o.ttlMs)) problems.push(`ttlMs must be a positive number of milliseconds (got ${String(o.ttlMs)})`);
  if (o.staleIfErrorMs !== undefined && !(typeof o.staleIfErrorMs === 'number' && o.staleIfErrorMs >= 0 && Number.isFinite(o.staleIfErrorMs))) {
    problems.push(`staleIfErrorMs must be 0 or a positive number of milliseconds (got ${String(o.staleIfErrorMs)})`);
  }
  if (o.startupJitterMs !== undefined && !(typeof o.startupJitterMs === 'number' && o.startupJitterMs >= 0 && Number.isFinite(o.startupJitterMs))) {
    problems.push(`startupJitterMs must be 0 or a positive number of milliseconds (got ${String(o.startupJitterMs)})`);
  }
  if (o.refreshJitter !== undefined) {
    const j = o.refreshJitter;
    if (!Array.isArray(j) || j.length !== 2 || !(j[0] > 0 && j[0] <= j[1] && j[1] <= 1)) {
      problems.push('refreshJitter must be [min, max] fractions of the TTL with 0 < min <= max <= 1, e.g. [0.5, 1]');
    }
  }
  if (o.backoff !== undefined) {
    const b = o.backoff;
    if (b === null || typeof b !== 'object' || (b.initialMs !== undefined && !isPositive(b.initialMs)) || (b.maxMs !== undefined && !isPositive(b.maxMs))) {
      problems.push('backoff must be { initialMs?, maxMs? } with positive milliseconds');
    } else if (b.initialMs !== undefined && b.maxMs !== undefined && b.initialMs > b.maxMs) {
      problems.push('backoff.initialMs must not exceed backoff.maxMs');
    }
  }
  if (o.sources !== undefined) {
    if (!Array.isArray(o.sources) || o.sources.length === 0) problems.push(`sources must be a non-empty array of ${SOURCE_NAMES.map((s) => `'${s}'`).join(', ')} or SecretSource objects`);
    else {
      o.sources.forEach((s, i) => {
        if (typeof s === 'string') {
          if (!(SOURCE_NAMES as readonly string[]).includes(s)) problems.push(`sources[${i}]: unknown source '${s}'; use one of ${SOURCE_NAMES.map((n) => `'${n}'`).join(', ')} or a SecretSource object`);
        } else if (s === null || typeof s !== 'object' || !isFn((s as { fetch?: unknown }).fetch)) {
          problems.push(`sources[${i}] must be a source name or an object with a fetch() method (a SecretSource)`);
        }
      });
      const names = o.sources.filter((s) => typeof s === 'string');
      const dup = names.find((n, i) => names.indexOf(n) !== i);
      if (dup) problems.push(`sources lists '${dup}' twice`);
      if (names.includes('env') && typeof o.env?.mapping !== 'object') {
        problems.push("sources includes 'env': set env: { mapping: { '<secret id>': 'ENV_VAR' } } (which variable holds which secret)");
      }
      if (names.includes('dotenv') && typeof o.dotenv?.mapping !== 'object') {
        problems.push("sources includes 'dotenv': set dotenv: { path: '.env', mapping: { '<secret id>': 'VAR' } }");
      }
    }
  }
  if (o.migration !== undefined) {
    const m = o.migration;
    if (m === null || typeof m !== 'object') problems.push("migration must be { old: 'env' | 'dotenv' | SecretSource, prefer?: 'old' | 'new' }");
    else {
      if (m.old === 'env' || m.old === 'dotenv') {
        if (typeof o[m.old]?.mapping !== 'object') problems.push(`migration.old is '${m.old}': set ${m.old}: { mapping: { '<secret id>': 'VAR' } }`);
      } else if (m.old === null || typeof m.old !== 'object' || !isFn((m.old as { fetch?: unknown }).fetch)) {
        problems.push("migration.old must be 'env', 'dotenv' or a SecretSource (e.g. a SqlTableSource over the table that holds the secrets)");
      }
      if (m.prefer !== undefined && m.prefer !== 'old' && m.prefer !== 'new') problems.push(`migration.prefer must be 'old' or 'new' (got ${JSON.stringify(m.prefer)})`);
    }
    if (o.store !== undefined) problems.push('migration needs the store the module builds: wrap your sources in a SideBySideSource on the store you pass instead');
  }
  if (o.client !== undefined && (o.region !== undefined || o.endpoint !== undefined || o.credentials !== undefined)) {
    problems.push('give either client or region/endpoint/credentials, not both (a ready client already carries them)');
  }
  if (o.replicaRegions !== undefined) {
    const rr = o.replicaRegions as unknown;
    if (!Array.isArray(rr) || rr.some((r) => typeof r !== 'string' || r === '')) problems.push("replicaRegions must be a list of region names (e.g. ['eu-west-1'])");
    else if (rr.length > 0) {
      if (o.region === undefined) problems.push('replicaRegions needs region (the primary region)');
      if (o.client !== undefined) problems.push('replicaRegions needs one client per region: give region/endpoint/credentials instead of client');
      if (new Set([o.region, ...rr]).size !== rr.length + 1) problems.push('replicaRegions must be distinct and must not repeat region');
    }
  }
  if (o.store !== undefined && (o.sources !== undefined || o.client !== undefined)) {
    problems.push('store replaces sources and client: configure them on the store you pass');
  }
  if (o.store !== undefined && (typeof o.store !== 'object' || !isFn((o.store as { register?: unknown }).register))) {
    problems.push('store must be a SecretStore from @keyturn/core');
  }
  if (o.logger !== undefined && o.logger !== false) {
    const l = o.logger as unknown as Record<string, unknown>;
    if (l === null || typeof l !== 'object' || !isFn(l.log) || !isFn(l.warn) || !isFn(l.error)) problems.push('logger must be a Nest LoggerService (log, warn, error) or false');
  }
  if (o.audit !== undefined && !isFn((o.audit as { record?: unknown } | null)?.record)) problems.push('audit must have a record(event) method');
  const variables = o.variables ?? SECRETS_DEFAULTS.variables;
  for (const [k, v] of Object.entries(variables)) {
    if (typeof v !== 'string' || v === '') problems.push(`variables.${k} must be a non-empty string`);
  }
  if (o.tenants !== undefined) {
    const t = o.tenants;
    if (typeof t?.template !== 'string' || !t.template.includes('{tenant}')) {
      problems.push("tenants.template must be a secret name containing {tenant}, e.g. '{app}/{env}/clients/{tenant}'");
    } else {
      for (const v of templateVariables(t.template)) {
        if (v !== 'tenant' && !(v in variables)) problems.push(`tenants.template uses {${v}}: set variables.${v}`);
      }
    }
    if (t?.maxEntries !== undefined && !(Number.isInteger(t.maxEntries) && t.maxEntries > 0)) problems.push('tenants.maxEntries must be a positive integer');
    if (t?.ttlMs !== undefined && !isPositive(t.ttlMs)) problems.push('tenants.ttlMs must be a positive number of milliseconds');
  }
  if (o.invalidation !== undefined) problems.push(...invalidationProblems(o.invalidation));
  if (problems.length > 0) throw new InvalidSecretsOptionsError(problems);

  return {
    ...o,
    sources: o.sources ?? SECRETS_DEFAULTS.sources,
    ttlMs: o.ttlMs ?? SECRETS_DEFAULTS.ttlMs,
    staleIfErrorMs: o.staleIfErrorMs ?? SECRETS_DEFAULTS.staleIfErrorMs,
    refreshJitter: o.refreshJitter ?? SECRETS_DEFAULTS.refreshJitter,
    variables,
  };
}

function invalidationProblems(inv: NonNullable<SecretsModuleOptions['invalidation']>): string[] {
  const problems: string[] = [];
  if (typeof inv !== 'object' || inv === null) return ["invalidation must be an object, e.g. { redisSecret: 'app/prod/redis' }"];
  const secret = inv.redisSecret;
  const secretId = typeof secret === 'string' ? secret : (secret as { secretId?: unknown } | undefined)?.secretId;
  if ((secret === undefined) === (inv.bus === undefined)) problems.push('invalidation needs exactly one of redisSecret (the secret with the Redis credentials of the bus) and bus');
  if (secret !== undefined && (typeof secretId !== 'string' || secretId === '')) problems.push("invalidation.redisSecret must be a secret id or a defineSecret() definition, e.g. 'app/prod/redis'");
  if (inv.bus !== undefined && !(isFn(inv.bus?.publish) && isFn(inv.bus?.subscribe) && isFn(inv.bus?.close))) problems.push('invalidation.bus must be an InvalidationBus (publish, subscribe, close)');
  if (inv.channel !== undefined && (typeof inv.channel !== 'string' || inv.channel === '')) problems.push('invalidation.channel must be a non-empty string');
  if (inv.maxRefreshRate !== undefined && !isPositive(inv.maxRefreshRate)) problems.push('invalidation.maxRefreshRate must be a positive number of refreshes per second');
  if (inv.refreshBurst !== undefined && !(Number.isInteger(inv.refreshBurst) && inv.refreshBurst >= 1)) problems.push('invalidation.refreshBurst must be a positive integer');
  const w = inv.watcher;
  if (w !== undefined && w !== false && inv.bus !== undefined) problems.push('invalidation.watcher needs redisSecret: its lock lives in that Redis (with a bus of your own, run FleetWatcher from @keyturn/core yourself)');
  if (w !== undefined && w !== false) {
    if (typeof w !== 'object' || w === null || typeof w.prefix !== 'string') problems.push("invalidation.watcher must be false or { prefix: 'app/prod/', intervalMs?, lockTtlMs?, lockKey? }");
    else {
      if (w.intervalMs !== undefined && !isPositive(w.intervalMs)) problems.push('invalidation.watcher.intervalMs must be a positive number of milliseconds');
      if (w.lockTtlMs !== undefined && !(isPositive(w.lockTtlMs) && w.lockTtlMs >= 30)) problems.push('invalidation.watcher.lockTtlMs must be at least 30 milliseconds');
    }
  }
  return problems;
}
