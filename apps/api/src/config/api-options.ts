import { secretNames, type SecretNames } from './secret-names.js';

/** Everything the API module needs to know that is not a secret. */
export interface ApiOptions {
  /**
   * Application part of every secret name (`KEYTURN_APP`).
   * @default 'payments'
   */
  readonly app: string;
  /**
   * Environment part of every secret name (`KEYTURN_ENV`).
   * @default 'dev'
   */
  readonly env: string;
  /** Secret names derived from `app` and `env`. */
  readonly secrets: SecretNames;
  /**
   * Secrets Manager endpoint; unset means the AWS SDK's own resolution (`AWS_ENDPOINT_URL_SECRETS_MANAGER`, region, credentials chain).
   * @example 'http://127.0.0.1:4583'
   */
  readonly secretsEndpoint?: string;
  /**
   * AWS region (`AWS_REGION`).
   * @default 'us-east-1'
   */
  readonly region: string;
  /**
   * How long a secret is served from memory before a background refresh (`KEYTURN_TTL_MS`).
   * @default 300000
   */
  readonly secretTtlMs: number;
  /**
   * Requests per minute per client on rate-limited routes (`RATE_LIMIT_PER_MINUTE`).
   * @default 600
   */
  readonly rateLimitPerMinute: number;
  /**
   * Create and update tables at start-up (`DB_SYNCHRONIZE`, `1` or `0`).
   * @default true
   */
  readonly synchronize: boolean;
  /**
   * Password of the demo user `demo` that `POST /auth/token` accepts (`DEMO_USER_PASSWORD`).
   * @default 'demo-password'
   */
  readonly demoUserPassword: string;
  /**
   * Who sees secret names, versions and error codes in `/health/ready` (`KEYTURN_HEALTH_DETAILS`):
   * `never`, `authenticated` (callers with a valid bearer token of this API) or `always`.
   * Without details the payload has each check's status and counts only.
   * @default 'authenticated'
   */
  readonly healthDetails: HealthDetails;
}

/** Values of {@link ApiOptions.healthDetails}. */
export type HealthDetails = 'never' | 'authenticated' | 'always';
const HEALTH_DETAILS: readonly HealthDetails[] = ['never', 'authenticated', 'always'];

/** Reads {@link ApiOptions} from environment variables (never secret values: those come from Secrets Manager). */
export function apiOptionsFromEnv(env: NodeJS.ProcessEnv = process.env, overrides: Partial<ApiOptions> = {}): ApiOptions {
  const app = overrides.app ?? env.KEYTURN_APP ?? 'payments';
  const environment = overrides.env ?? env.KEYTURN_ENV ?? 'dev';
  const num = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got "${raw}"`);
    return n;
  };
  return {
    app,
    env: environment,
    secrets: secretNames(app, environment),
    secretsEndpoint: env.AWS_ENDPOINT_URL_SECRETS_MANAGER || env.AWS_ENDPOINT_URL || undefined,
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    secretTtlMs: num('KEYTURN_TTL_MS', 300_000),
    rateLimitPerMinute: num('RATE_LIMIT_PER_MINUTE', 600),
    synchronize: (env.DB_SYNCHRONIZE ?? '1') !== '0',
    demoUserPassword: env.DEMO_USER_PASSWORD ?? 'demo-password',
    healthDetails: healthDetails(env.KEYTURN_HEALTH_DETAILS),
    ...overrides,
  };
}

function healthDetails(raw: string | undefined): HealthDetails {
  if (raw === undefined || raw === '') return 'authenticated';
  if ((HEALTH_DETAILS as readonly string[]).includes(raw)) return raw as HealthDetails;
  throw new Error(`KEYTURN_HEALTH_DETAILS must be one of ${HEALTH_DETAILS.join(', ')}, got "${raw}"`);
}

/** Injection token of {@link ApiOptions}. */
export const API_OPTIONS = Symbol('API_OPTIONS');
