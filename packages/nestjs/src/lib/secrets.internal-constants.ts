/** Resolved options (defaults applied, validated). */
export const RESOLVED_SECRETS_OPTIONS = Symbol('RESOLVED_SECRETS_OPTIONS');
/** The `KeyturnLogger` adapter built from the `logger` option. */
export const KEYTURN_LOGGER = Symbol('KEYTURN_LOGGER');
/** The store and the sources the module built (released on shutdown). */
export const SECRET_STORE_RESOURCES = Symbol('SECRET_STORE_RESOURCES');
/**
 * The store and `SecretsService` under private tokens. The core module is always global and exports
 * these (with `SecretHandleFactory`), so `forFeature` and the health indicator work in any module;
 * `isGlobal` decides only whether the public `SECRET_STORE` / `SecretsService` are global too.
 */
export const SECRETS_PRIVATE_STORE = Symbol('SECRETS_PRIVATE_STORE');
export const SECRETS_PRIVATE_SERVICE = Symbol('SECRETS_PRIVATE_SERVICE');
/** Migration mode: the side-by-side sources of the store the module built (health lists their mismatches). */
export const SECRETS_PRIVATE_MIGRATION = Symbol('SECRETS_PRIVATE_MIGRATION');
/** Push invalidation (`invalidation` option): the bus, the watcher; health reads it. */
export const SECRETS_PRIVATE_FLEET = Symbol('SECRETS_PRIVATE_FLEET');
/**
 * On a `secretsConfigLoader` namespace object: the store behind it (non-enumerable). The health
 * indicator finds loader stores by it, since a loader cannot reach the module's store (see the loader).
 * `Symbol.for`, so an `import` and a `require` copy of the package agree.
 */
export const SECRETS_CONFIG_STORE = Symbol.for('@keyturn/nestjs:secrets-config-store');
