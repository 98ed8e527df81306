import { KeyturnError } from './keyturn.error.js';

/** The source refused the request for another non-transient reason (invalid parameter, bad credentials). */
export class SecretRequestError extends KeyturnError {}
