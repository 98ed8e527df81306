import { KeyturnError } from './keyturn.error.js';

/** The caller may not read the secret (AccessDeniedException); never hidden behind a stale value. */
export class SecretAccessDeniedError extends KeyturnError {}
