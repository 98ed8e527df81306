export { typeOrmOptionsFromSecret } from './typeorm-options-from-secret.js';
export type { RotatingTypeOrmOptions, TypeOrmRotationOptions, TypeOrmSecretOverrides } from './typeorm-secret.options.js';
