import { Inject } from '@nestjs/common';
import type { SecretDefinition } from './interfaces/secret-definition.interface.js';
import { getSecretToken } from './define-secret.js';

/**
 * Injects the `SecretHandle<T>` of a definition registered with `SecretsModule.forFeature(def)`.
 * @example constructor(@InjectSecret(databaseSecret) private readonly db: SecretHandle<SecretType<typeof databaseSecret>>) {}
 */
export const InjectSecret = (def: SecretDefinition<unknown>): PropertyDecorator & ParameterDecorator => Inject(getSecretToken(def));
