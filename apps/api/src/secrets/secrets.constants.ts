/** Injection token of the API's `SecretDefinitions`. */
export const SECRET_DEFINITIONS = Symbol('SECRET_DEFINITIONS');
