import type { AuditEvent, AuditSink, KeyturnLogger } from '../observability/audit.js';
import { MetricsRecorder } from '../observability/metrics.js';
import type { SecretStoreEvents } from './store.types.js';

export type Listener<E extends keyof SecretStoreEvents> = (event: SecretStoreEvents[E]) => void;

/**
 * Everything the store tells the outside: events to subscribers, audit records, log lines and
 * metrics. A failing listener, sink or logger never breaks the cache, and nothing here ever
 * receives a secret value in printable form.
 */
export class StoreNotifier {
  readonly metrics = new MetricsRecorder();
  readonly #listeners: { [E in keyof SecretStoreEvents]: Set<Listener<E>> } = { rotation: new Set(), rejected: new Set(), error: new Set(), state: new Set(), mismatch: new Set(), rotationUnfinished: new Set() };
  readonly #logger?: KeyturnLogger;
  readonly #audit?: AuditSink;

  constructor(options: { logger?: KeyturnLogger; audit?: AuditSink }) {
    this.#logger = options.logger;
    this.#audit = options.audit;
  }

  on<E extends keyof SecretStoreEvents>(event: E, listener: Listener<E>): () => void {
    const set = this.#listeners[event] as Set<Listener<E>>;
    set.add(listener);
    return () => set.delete(listener);
  }

  /** Whether anyone listens to `event` (building a payload can then be skipped). */
  wants(event: keyof SecretStoreEvents): boolean {
    return this.#listeners[event].size > 0;
  }

  emit<E extends keyof SecretStoreEvents>(event: E, payload: SecretStoreEvents[E]): void {
    for (const l of this.#listeners[event] as Set<Listener<E>>) this.safely(() => l(payload));
  }

  /** Runs a subscriber's callback; a throw is logged by name only. */
  safely(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.log('error', `A Keyturn event listener threw ${(err as Error)?.name ?? 'an error'}`, {});
    }
  }

  audit(event: Omit<AuditEvent, 'at'>): void {
    const sink = this.#audit;
    if (!sink) return;
    const clean: AuditEvent = { ...event, latencyMs: Math.round(event.latencyMs * 1000) / 1000, at: new Date() };
    for (const k of Object.keys(clean) as (keyof AuditEvent)[]) if (clean[k] === undefined) delete clean[k];
    this.safely(() => sink.record(clean));
  }

  log(level: 'log' | 'warn' | 'error' | 'debug', message: string, context: Record<string, unknown>): void {
    const logger = this.#logger;
    if (!logger) return;
    const fn = level === 'debug' ? logger.debug : logger[level];
    if (!fn) return;
    try {
      fn.call(logger, message, { ...context, component: 'Keyturn' });
    } catch {
      // A failing logger must not break the cache.
    }
  }
}
