import type { RotationLogger } from './rotation.types.js';

/** Writes one JSON line per message to the console (CloudWatch Logs in a Lambda). */
export class ConsoleRotationLogger implements RotationLogger {
  log(message: string, context?: Record<string, unknown>): void {
    console.log(JSON.stringify({ level: 'info', message, ...context }));
  }
  warn(message: string, context?: Record<string, unknown>): void {
    console.warn(JSON.stringify({ level: 'warn', message, ...context }));
  }
  error(message: string, context?: Record<string, unknown>): void {
    console.error(JSON.stringify({ level: 'error', message, ...context }));
  }
}

/** Discards everything (the `logger: false` option). */
export class SilentRotationLogger implements RotationLogger {
  log(): void {}
  warn(): void {}
  error(): void {}
}
