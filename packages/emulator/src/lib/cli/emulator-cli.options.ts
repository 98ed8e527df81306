import { isAbsolute, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_CLI_PORT, type EmulatorOptions } from '../emulator.options.js';

/** One command-line flag of the emulator, shared by `keyturn-emulator` and `keyturn emulator`. */
export interface EmulatorCliFlag {
  /** Long name without dashes, e.g. `port`. */
  name: string;
  /** Placeholder of the value (`<n>`); none for a boolean flag. */
  value?: string;
  /** May be given more than once. */
  multiple?: boolean;
  short?: string;
  description: string;
}

/** The flags, in the order the usage lists them. */
export const EMULATOR_CLI_FLAGS: readonly EmulatorCliFlag[] = [
  { name: 'host', value: '<addr>', description: 'address to bind (default 127.0.0.1; keep loopback unless you need otherwise)' },
  { name: 'port', value: '<n>', description: `port (default ${DEFAULT_CLI_PORT}; 0 picks a free one)` },
  { name: 'data', value: '<dir>', description: 'keep state in this directory (crash-safe journal); default: in memory' },
  { name: 'seed', value: '<file>', description: 'JSON or YAML file of secrets to create when missing' },
  { name: 'region', value: '<region>', description: 'default region: of requests naming none, and of seeded secrets (default us-east-1)' },
  { name: 'regions', value: '<r1,r2,...>', description: 'regions served, each with its own secrets, chosen by the SigV4 scope (default: --region alone answers every request)' },
  { name: 'account-id', value: '<id>', description: 'account id in ARNs (default 123456789012)' },
  { name: 'credentials', value: '<accessKeyId:secretAccessKey>', multiple: true, description: 'verify SigV4 signatures and accept only these keys (repeatable)' },
  { name: 'rotation-handler', value: '<lambdaArn=module[#export]>', multiple: true, description: 'rotation function module for a RotationLambdaARN (repeatable)' },
  { name: 'rotation-time-scale', value: '<n>', description: 'run scheduled rotations with the clock sped up n times (86400: a day per second)' },
  { name: 'compact-every', value: '<n>', description: 'journal entries between snapshots (default 1000)' },
  { name: 'allowed-host', value: '<name>', multiple: true, description: 'Host header name accepted besides localhost, 127.0.0.1 and [::1] (repeatable)' },
  { name: 'quotas', description: "AWS quotas mode: AWS's request rates per operation, ThrottlingException past them" },
  { name: 'quota-scale', value: '<factor>', description: 'multiply the quota rates (0.01: GetSecretValue 100/s); implies --quotas' },
  { name: 'quiet', description: 'no request log (notices about the store are still printed)' },
  { name: 'version', description: 'print the version and exit' },
  { name: 'help', short: 'h', description: 'this text' },
];

/** Parsed flag values, keyed by long name. */
export type EmulatorCliValues = { [name: string]: string | string[] | boolean | undefined };

/** A flag value that cannot be used; the message names the flag and what it takes. */
export class EmulatorCliUsageError extends Error {
  override readonly name = this.constructor.name;
}

/** The usage text, for `command` (`keyturn-emulator` or `keyturn emulator`). */
export function emulatorUsage(command: string): string {
  const rows = EMULATOR_CLI_FLAGS.map((f) => [`${f.short ? `-${f.short}, ` : ''}--${f.name}${f.value ? ` ${f.value}` : ''}`, f.description] as const);
  const width = Math.max(...rows.map(([l]) => l.length)) + 2;
  return `Usage: ${command} [options]\n\nA local AWS Secrets Manager-compatible endpoint.\n\n${rows.map(([l, d]) => `  ${l.padEnd(width)}${d}`).join('\n')}\n`;
}

/** Parses argv with the shared flags (unknown flags are an error). */
export function parseEmulatorArgs(argv: readonly string[]): EmulatorCliValues {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> = {};
  for (const f of EMULATOR_CLI_FLAGS) options[f.name] = { type: f.value ? 'string' : 'boolean', ...(f.multiple ? { multiple: true } : {}), ...(f.short ? { short: f.short } : {}) };
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values as EmulatorCliValues;
  } catch (e) {
    throw new EmulatorCliUsageError((e as Error).message);
  }
}

const str = (v: EmulatorCliValues[string]): string | undefined => (typeof v === 'string' ? v : undefined);
const list = (v: EmulatorCliValues[string]): string[] => (Array.isArray(v) ? v : typeof v === 'string' ? [v] : []);

function positive(flag: string, v: string | undefined, integer: boolean): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!(n > 0) || (integer && !Number.isInteger(n))) throw new EmulatorCliUsageError(`--${flag} must be a positive ${integer ? 'integer' : 'number'}, not '${v}'`);
  return n;
}

/**
 * Turns flag values into {@link EmulatorOptions}: the one place where both commands check and
 * convert their flags. Relative paths resolve against `cwd`.
 */
export function emulatorOptionsFromFlags(values: EmulatorCliValues, cwd: string = process.cwd()): EmulatorOptions {
  const path = (p: string | undefined) => (p === undefined ? undefined : isAbsolute(p) ? p : resolve(cwd, p));
  const portText = str(values.port);
  const port = portText === undefined ? DEFAULT_CLI_PORT : Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new EmulatorCliUsageError(`--port must be a port number (0 picks a free one), not '${portText}'`);
  const credentials = list(values.credentials).map((pair) => {
    const i = pair.indexOf(':');
    if (i <= 0 || i === pair.length - 1) throw new EmulatorCliUsageError('--credentials takes <accessKeyId>:<secretAccessKey>');
    return { accessKeyId: pair.slice(0, i), secretAccessKey: pair.slice(i + 1) };
  });
  const rotationHandlers: Record<string, string> = {};
  for (const entry of list(values['rotation-handler'])) {
    const i = entry.indexOf('=');
    if (i <= 0 || i === entry.length - 1) throw new EmulatorCliUsageError(`--rotation-handler takes <lambdaArn>=<module path>[#export], got "${entry}"`);
    const mod = entry.slice(i + 1);
    rotationHandlers[entry.slice(0, i)] = mod.startsWith('.') ? resolve(cwd, mod) : mod;
  }
  const quotaScale = positive('quota-scale', str(values['quota-scale']), false);
  const regions = str(values.regions)
    ?.split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  return {
    host: str(values.host) ?? '127.0.0.1',
    port,
    dataDir: path(str(values.data)),
    seed: path(str(values.seed)),
    region: str(values.region),
    regions: regions && regions.length > 0 ? regions : undefined,
    accountId: str(values['account-id']),
    credentials: credentials.length > 0 ? credentials : undefined,
    rotationHandlers: Object.keys(rotationHandlers).length > 0 ? rotationHandlers : undefined,
    rotationTimeScale: positive('rotation-time-scale', str(values['rotation-time-scale']), false),
    compactEvery: positive('compact-every', str(values['compact-every']), true),
    allowedHosts: list(values['allowed-host']).length > 0 ? list(values['allowed-host']) : undefined,
    quotas: quotaScale !== undefined ? { scale: quotaScale } : values.quotas === true ? true : undefined,
  };
}
