export { typeOrmOptionsFromSecret } from './typeorm-options-from-secret.js';
export type { RotatingTypeOrmOptions, TypeOrmSecretOverrides } from './typeorm-secret.options.js';
