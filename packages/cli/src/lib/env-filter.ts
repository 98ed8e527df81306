import { UsageError } from './errors/usage-error.js';

/**
 * Variables `migrate-env` keeps out by default: settings of the runtime, the process or the
 * shell, not secrets (a paid secret each month for NODE_ENV would be waste, and rotating PORT
 * makes no sense). Variables with an empty value are kept out too. `--include` brings any of
 * them back; `--no-default-excludes` turns this list off.
 */
export const DEFAULT_EXCLUDES = [
  'NODE_ENV',
  'NODE_OPTIONS',
  'NODE_EXTRA_CA_CERTS',
  'NODE_TLS_REJECT_UNAUTHORIZED',
  'APP_ENV',
  'ENV',
  'ENVIRONMENT',
  'PORT',
  'HOST',
  'HOSTNAME',
  'LOG_LEVEL',
  'LOG_FORMAT',
  'DEBUG',
  'TZ',
  'LANG',
  'LC_*',
  'PATH',
  'HOME',
  'PWD',
  'SHELL',
  'USER',
  'TERM',
  'CI',
  'npm_*',
] as const satisfies readonly string[];

/** Why a variable is not migrated. */
export type KeptOutReason = 'default' | 'empty' | 'excluded' | 'not-included';

export interface EnvFilterOptions {
  /** Glob patterns (`*`, `?`); when given, only matching variables are migrated, default exclusions included. */
  include?: readonly string[];
  /** Glob patterns of variables never migrated (wins over `include`). */
  exclude?: readonly string[];
  /** Apply {@link DEFAULT_EXCLUDES} and skip empty values. @default true */
  defaultExcludes?: boolean;
}

/**
 * Compiles a variable-name glob (`*` any run of characters, `?` one character; case-sensitive,
 * whole name). Throws a usage error for characters a variable name cannot contain.
 */
export function globToRegExp(flag: string, pattern: string): RegExp {
  if (!/^[A-Za-z0-9_.*?-]+$/.test(pattern)) {
    throw new UsageError(`${flag} "${pattern}" is not a variable name pattern: use letters, digits, _ and the wildcards * and ?, e.g. ${flag} 'STRIPE_*'`);
  }
  const body = pattern.replace(/[.-]/g, (c) => `\\${c}`).replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

/**
 * Splits the variables of a .env file into those to migrate and those kept out, with the reason.
 *
 * @example filterEnvVariables({ NODE_ENV: 'production', STRIPE_KEY: 'sk' }, {}) // migrate: ['STRIPE_KEY'], keptOut: { NODE_ENV: 'default' }
 */
export function filterEnvVariables(
  values: Readonly<Record<string, string>>,
  opts: EnvFilterOptions,
): { migrate: string[]; keptOut: Record<string, KeptOutReason> } {
  const include = (opts.include ?? []).map((p) => globToRegExp('--include', p));
  const exclude = (opts.exclude ?? []).map((p) => globToRegExp('--exclude', p));
  const defaults = opts.defaultExcludes === false ? [] : DEFAULT_EXCLUDES.map((p) => globToRegExp('default', p));
  const migrate: string[] = [];
  const keptOut: Record<string, KeptOutReason> = {};
  for (const name of Object.keys(values)) {
    const included = include.some((r) => r.test(name));
    if (exclude.some((r) => r.test(name))) keptOut[name] = 'excluded';
    else if (include.length > 0 && !included) keptOut[name] = 'not-included';
    else if (!included && defaults.some((r) => r.test(name))) keptOut[name] = 'default';
    else if (!included && opts.defaultExcludes !== false && values[name] === '') keptOut[name] = 'empty';
    else migrate.push(name);
  }
  return { migrate, keptOut };
}
