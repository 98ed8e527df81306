import { Logger, type LoggerService } from '@nestjs/common';
import type { KeyturnLogger } from '@keyturn/core';

const CONTEXT = 'Keyturn';

/** Whether the logger is a Nest `Logger` that appends a context of its own to every call. */
function hasOwnContext(logger: LoggerService): boolean {
  if (!(logger instanceof Logger)) return false;
  const context = (logger as unknown as { context?: unknown }).context;
  return typeof context === 'string' && context !== '';
}

/** One line: the message, then the structured context (ids, codes, never values) as JSON. */
function line(msg: string, ctx?: Record<string, unknown> | string): string {
  if (typeof ctx === 'string') return ctx === '' ? msg : `${msg} ${ctx}`;
  if (ctx === undefined || ctx === null || typeof ctx !== 'object' || Object.keys(ctx).length === 0) return msg;
  let json: string;
  try {
    json = JSON.stringify(ctx);
  } catch {
    json = `{${Object.keys(ctx).join(', ')}}`;
  }
  return `${msg} ${json}`;
}

/**
 * Adapts a Nest `LoggerService` to core's logger. Each call passes exactly one message (structured
 * context appended to it as JSON, so it stays on the same line) and the 'Keyturn' context as the
 * last parameter, as Nest's `ConsoleLogger` expects (`error(message, stack, context)`). A Nest
 * `Logger` created with a context of its own (the default, `new Logger('Keyturn')`) adds that
 * context itself, so it gets the message only.
 */
export function toKeyturnLogger(logger: LoggerService): KeyturnLogger {
  const own = hasOwnContext(logger);
  const context: string[] = own ? [] : [CONTEXT];
  return {
    log: (msg, ctx) => logger.log(line(msg, ctx), ...context),
    warn: (msg, ctx) => logger.warn(line(msg, ctx), ...context),
    error: (msg, ctx) => (own ? logger.error(line(msg, ctx)) : logger.error(line(msg, ctx), undefined, CONTEXT)),
    debug: (msg, ctx) => logger.debug?.(line(msg, ctx), ...context),
  };
}
