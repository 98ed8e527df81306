import type { LoggerService } from '@nestjs/common';
import type { KeyturnLogger } from '@keyturn/core';

const CONTEXT = 'Keyturn';

/** Adapts a Nest `LoggerService` to core's logger: structured context (ids, codes, never values) is appended as JSON. */
export function toKeyturnLogger(logger: LoggerService): KeyturnLogger {
  const line = (msg: string, ctx?: Record<string, unknown> | string) =>
    ctx === undefined || (typeof ctx === 'object' && Object.keys(ctx).length === 0) ? msg : `${msg} ${typeof ctx === 'string' ? ctx : JSON.stringify(ctx)}`;
  return {
    log: (msg, ctx) => logger.log(line(msg, ctx), CONTEXT),
    warn: (msg, ctx) => logger.warn(line(msg, ctx), CONTEXT),
    error: (msg, ctx) => logger.error(line(msg, ctx), undefined, CONTEXT),
    debug: (msg, ctx) => logger.debug?.(line(msg, ctx), CONTEXT),
  };
}
