export { typeOrmOptionsFromSecret } from './typeorm-options-from-secret.js';
export { TypeOrmSecretOptionsFactory } from './typeorm-secret-options.factory.js';
export type { RotatingTypeOrmOptions, TypeOrmSecretOverrides } from './typeorm-secret.options.js';
