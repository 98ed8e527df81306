/** Injection token of the API's ioredis client (created by the Keyturn ioredis factory). */
export const API_REDIS = Symbol('API_REDIS');
