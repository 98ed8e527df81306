import { defineSecret } from './define-secret.js';
import { isSecretDefinition, resolveConnectionSecret } from './connection-secret.js';
import type { SecretsService } from './secrets.service.js';

describe('resolveConnectionSecret', () => {
  const source = { secretId: 'db/main', current: () => ({ versionId: 'v1', stage: 'AWSCURRENT', value: {} }), refresh: async () => false, pending: async () => undefined, onChange: () => () => undefined };

  it('tells definitions from ids and sources', () => {
    expect(isSecretDefinition(defineSecret('db/{env}'))).toBe(true);
    expect(isSecretDefinition(source)).toBe(false);
    expect(isSecretDefinition('db/main')).toBe(false);
  });

  it('returns a source as is, without asking for the SecretsService', async () => {
    const secrets = jest.fn<SecretsService, []>();
    await expect(resolveConnectionSecret(source, secrets, 'test')).resolves.toBe(source);
    expect(secrets).not.toHaveBeenCalled();
  });

  it('resolves a definition, and an id as a definition, through SecretsService#handle', async () => {
    const handle = jest.fn(async (def: { secretId: string }) => ({ ...source, secretId: def.secretId }));
    const secrets = () => ({ handle }) as unknown as SecretsService;
    const def = defineSecret('db/{env}');
    await resolveConnectionSecret(def, secrets, 'test');
    await resolveConnectionSecret('db/reporting', secrets, 'test');
    expect(handle.mock.calls.map(([d]) => d.secretId)).toEqual(['db/{env}', 'db/reporting']);
    expect(handle.mock.calls[0]![0]).toBe(def);
  });

  it('names the integration and the secret when no SecretsModule is there', async () => {
    const missing = () => {
      throw new Error('SecretsService is not available');
    };
    await expect(resolveConnectionSecret('db/main', missing, 'KeyturnRedisModule')).rejects.toThrow(
      /^KeyturnRedisModule: secret "db\/main" is given by definition or id, which needs SecretsModule\.forRoot\(\)/,
    );
  });
});
