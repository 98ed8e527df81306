import { KeyturnError } from './keyturn.error.js';

/**
 * A row of a table, or a mapping of columns to JSON keys, cannot become a secret: a column the
 * query does not return, a null name part, a key path that is both a value and an object, binary
 * data. The message names the row, the secret, the key and the column, never a value.
 */
export class SecretMappingError extends KeyturnError {}
