import { Logger } from '@nestjs/common';
import type { KeyturnLogger } from '@keyturn/core';
import type { ConnectionLogger } from '@keyturn/core/connections';

/** The logger of the `SecretsModule` each `SecretsService` belongs to. */
const moduleLoggers = new WeakMap<object, KeyturnLogger>();

/** Records the `SecretsModule` logger of `service` (called by `SecretsService` itself). */
export function setModuleLogger(service: object, logger: KeyturnLogger): void {
  moduleLoggers.set(service, logger);
}

/**
 * The logger a connection integration (`/typeorm`, `/ioredis`) uses: the one given, nothing with
 * `false`, else the `SecretsModule` logger when the module is there (so `SecretsModule({ logger:
 * false })` silences connections too), else a Nest `Logger` with context 'Keyturn'. Rejected
 * credentials are logged at warn, so a request waiting on a retry is never silent.
 */
export function connectionLogger(given: ConnectionLogger | false | undefined, service?: object): ConnectionLogger | undefined {
  if (given === false) return undefined;
  return given ?? (service ? moduleLoggers.get(service) : undefined) ?? new Logger('Keyturn');
}
