/**
 * Secret names follow `{app}/{env}/{service}/{type}`, e.g. `payments/dev/postgres/app-user`.
 * `app` and `env` come from `KEYTURN_APP` and `KEYTURN_ENV`; Keyturn fills them in from its
 * `variables` option, the launcher and the demo with {@link secretNames}.
 */
export const SECRET_TEMPLATES = {
  /** PostgreSQL login of the API (host, port, username, password, dbname). */
  postgres: '{app}/{env}/postgres/app-user',
  /** PostgreSQL superuser, used only by the alternating-users rotation (never by the API). */
  postgresMaster: '{app}/{env}/postgres/master-user',
  /** Redis ACL user of the API (host, port, username, password). */
  redis: '{app}/{env}/redis/app-user',
  /** Redis admin user, used only by the ACL rotation. */
  redisMaster: '{app}/{env}/redis/master-user',
  /** Stripe secret API key (`secretKey`). */
  stripeApiKey: '{app}/{env}/stripe/api-key',
  /** Stripe webhook signing secret (`webhookSecret`). */
  stripeWebhook: '{app}/{env}/stripe/webhook-secret',
  /** JWT signing key (`key`). */
  jwt: '{app}/{env}/jwt/signing-key',
  /** SMTP relay (host, port, username, password, from). */
  smtp: '{app}/{env}/smtp/credentials',
} as const;

/** Every secret name of the API for one application and environment. */
export type SecretNames = { readonly [K in keyof typeof SECRET_TEMPLATES]: string };

/** Fills `{app}` and `{env}` into every template. */
export function secretNames(app: string, env: string): SecretNames {
  const fill = (t: string) => t.replace('{app}', app).replace('{env}', env);
  return Object.fromEntries(Object.entries(SECRET_TEMPLATES).map(([k, t]) => [k, fill(t)])) as unknown as SecretNames;
}
