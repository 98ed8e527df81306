import { KeyturnError } from './keyturn.error.js';

/** A value was read before the secret was loaded (await `start()` or `load()` first). */
export class SecretNotLoadedError extends KeyturnError {}
