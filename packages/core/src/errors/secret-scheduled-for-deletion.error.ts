import { KeyturnError } from './keyturn.error.js';

/** The secret is scheduled for deletion (InvalidRequestException); never hidden behind a stale value. */
export class SecretScheduledForDeletionError extends KeyturnError {}
