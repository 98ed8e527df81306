import { KeyturnError } from './keyturn.error.js';

/** The secret value is not valid JSON (the message never quotes the value). */
export class SecretParseError extends KeyturnError {}
