import { KeyturnError } from './keyturn.error.js';

/** A JSON key named by a reference or asked for with `field()` is absent from the secret. */
export class SecretKeyMissingError extends KeyturnError {}
