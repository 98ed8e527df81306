import { KeyturnError } from './keyturn.error.js';

/** The secret, version or stage does not exist in the source (ResourceNotFoundException, missing env var or key). */
export class SecretNotFoundError extends KeyturnError {}
