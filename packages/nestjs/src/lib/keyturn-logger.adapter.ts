import { ConsoleLogger, Logger, type LoggerService } from '@nestjs/common';
import type { KeyturnLogger } from '@keyturn/core';

const CONTEXT = 'Keyturn';

type Context = Record<string, unknown> | string | undefined;

/** Whether the logger is a Nest `Logger` that appends a context of its own to every call. */
function hasOwnContext(logger: LoggerService): boolean {
  if (!(logger instanceof Logger)) return false;
  const context = (logger as unknown as { context?: unknown }).context;
  return typeof context === 'string' && context !== '';
}

/**
 * Whether the logger prints text lines: Nest's `ConsoleLogger` without `json: true`, directly or
 * behind a Nest `Logger` (which forwards to the application's logger, looked up at each call, since
 * `app.useLogger()` may replace it after the module was built).
 */
function printsText(logger: LoggerService): boolean {
  const target = logger instanceof Logger ? ((logger as unknown as { localInstance?: LoggerService }).localInstance ?? logger) : logger;
  return target instanceof ConsoleLogger && (target as unknown as { options?: { json?: boolean } }).options?.json !== true;
}

function hasFields(ctx: Context): ctx is Record<string, unknown> {
  return ctx !== undefined && ctx !== null && typeof ctx === 'object' && Object.keys(ctx).length > 0;
}

/** One line: the message, then the structured context (ids, codes, never values) as JSON. */
function line(msg: string, ctx: Context): string {
  if (typeof ctx === 'string') return ctx === '' ? msg : `${msg} ${ctx}`;
  if (!hasFields(ctx)) return msg;
  let json: string;
  try {
    json = JSON.stringify(ctx);
  } catch {
    json = `{${Object.keys(ctx).join(', ')}}`;
  }
  return `${msg} ${json}`;
}

/**
 * The message for a structured logger: one object, `msg` first, then the fields. Its `toString()`
 * (not enumerable, so JSON output skips it) gives the text line, for loggers that print strings.
 */
function record(msg: string, ctx: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { msg, ...ctx };
  Object.defineProperty(out, 'toString', { value: () => line(msg, ctx), enumerable: false });
  return out;
}

/**
 * Adapts a Nest `LoggerService` to core's logger. Each call passes exactly one message and the
 * 'Keyturn' context as the last parameter, as Nest's `ConsoleLogger` expects
 * (`error(message, stack, context)`); a Nest `Logger` created with a context of its own (the
 * default, `new Logger('Keyturn')`) adds that context itself, so it gets the message only.
 *
 * The message keeps the structured context (ids, codes, versions; never values) as fields:
 * - Nest's text `ConsoleLogger` (the default): a string, the fields as JSON on the same line;
 * - any other logger (`ConsoleLogger({ json: true })`, nestjs-pino, winston, ...): an object
 *   `{ msg, ...fields }`, so JSON loggers print the fields as properties.
 */
export function toKeyturnLogger(logger: LoggerService): KeyturnLogger {
  const own = hasOwnContext(logger);
  const context: string[] = own ? [] : [CONTEXT];
  const message = (msg: string, ctx: Context): string | Record<string, unknown> =>
    hasFields(ctx) && !printsText(logger) ? record(msg, ctx) : line(msg, ctx);
  return {
    log: (msg, ctx) => logger.log(message(msg, ctx), ...context),
    warn: (msg, ctx) => logger.warn(message(msg, ctx), ...context),
    error: (msg, ctx) => (own ? logger.error(message(msg, ctx)) : logger.error(message(msg, ctx), undefined, CONTEXT)),
    debug: (msg, ctx) => logger.debug?.(message(msg, ctx), ...context),
  };
}
