import { KeyturnError } from './keyturn.error.js';

/** KMS could not decrypt the secret (DecryptionFailure). */
export class SecretDecryptionError extends KeyturnError {}
