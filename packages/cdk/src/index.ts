// Public API of @keyturn/cdk (the root entry point). Explicit named exports only.
export { KeyturnSecrets, ACKNOWLEDGEMENT_REASONS } from './lib/keyturn-secrets.js';
export type {
  KeyturnSecretsProps,
  SecretDeclaration,
  SecretShape,
  GeneratedKeyOptions,
  SecretRotationOptions,
  RotationStrategy,
  RotationNetworkOptions,
  ReadGrantOptions,
} from './lib/keyturn-secrets.types.js';
export { secretName, DEFAULT_NAME_TEMPLATE } from './lib/secret-name.js';
export { ROTATION_STRATEGIES, rotationBundleDir } from './lib/rotation-code.js';
export { parseDeclaration, synthesizeDeclaration } from './lib/declaration.js';
export type { InfraDeclaration, SecretFileEntry, SynthesizeOptions, SynthesizedTemplate } from './lib/declaration.js';
