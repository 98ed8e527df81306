/** The symbol `util.inspect` looks up, without importing `node:util` (keeps the engine portable). */
export const INSPECT = Symbol.for('nodejs.util.inspect.custom');
