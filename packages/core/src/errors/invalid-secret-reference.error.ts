import { KeyturnError } from './keyturn.error.js';

/** A secret reference (name, ARN or ECS form) is malformed. */
export class InvalidSecretReferenceError extends KeyturnError {}
