/** Resolved options (defaults applied, validated). */
export const RESOLVED_SECRETS_OPTIONS = Symbol('RESOLVED_SECRETS_OPTIONS');
/** The `KeyturnLogger` adapter built from the `logger` option. */
export const KEYTURN_LOGGER = Symbol('KEYTURN_LOGGER');
/** The store and the sources the module built (released on shutdown). */
export const SECRET_STORE_RESOURCES = Symbol('SECRET_STORE_RESOURCES');
