import { randomBytes } from 'node:crypto';
import type { SecretNames } from '../config/secret-names.js';

/** Where the embedded services listen (ports come from the environment on first run, then live in the secrets). */
export interface EmbeddedPorts {
  readonly postgres: number;
  readonly redis: number;
  readonly smtp: number;
}

const token = (bytes = 24) => randomBytes(bytes).toString('base64url');

/** The secrets seeded on first run of the embedded default: random passwords and keys, local endpoints. */
export function demoSecrets(names: SecretNames, app: string, ports: EmbeddedPorts): Record<string, Record<string, unknown>> {
  const host = '127.0.0.1';
  const db = `${app.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}`;
  return {
    [names.postgresMaster]: { engine: 'postgres', host, port: ports.postgres, username: 'keyturn_admin', password: token(), dbname: 'postgres' },
    [names.postgres]: { engine: 'postgres', host, port: ports.postgres, username: `${db}_app`, password: token(), dbname: db, masterarn: names.postgresMaster },
    [names.redisMaster]: { host, port: ports.redis, username: 'keyturn_admin', password: token() },
    [names.redis]: { host, port: ports.redis, username: `${db}_app`, password: token(), masterarn: names.redisMaster },
    [names.stripeApiKey]: { secretKey: `sk_test_${token()}` },
    [names.stripeWebhook]: { webhookSecret: `whsec_${token()}` },
    [names.jwt]: { key: token(32) },
    [names.smtp]: { host, port: ports.smtp, username: 'mailer', password: token(), from: `${app} <no-reply@${app}.example>` },
  };
}
