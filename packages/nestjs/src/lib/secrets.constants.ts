/** Injection token of the `SecretStore` (from @keyturn/core) that backs the module. */
export const SECRET_STORE = Symbol('SECRET_STORE');
