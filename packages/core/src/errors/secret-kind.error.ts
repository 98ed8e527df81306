import { KeyturnError } from './keyturn.error.js';

/** A binary secret was read as text, or the other way round. */
export class SecretKindError extends KeyturnError {}
