import { KeyturnError } from '@keyturn/core';
import { InvalidSecretsOptionsError } from './invalid-secrets-options.error';
import { InvalidTenantIdError } from './invalid-tenant-id.error';
import { TenantsNotConfiguredError } from './tenants-not-configured.error';

describe('errors of @keyturn/nestjs', () => {
  it.each([
    ['InvalidSecretsOptionsError', new InvalidSecretsOptionsError(['sources: at least one source is needed']), 'InvalidSecretsOptions'],
    ['InvalidTenantIdError', new InvalidTenantIdError('../admin'), 'InvalidTenantId'],
    ['TenantsNotConfiguredError', new TenantsNotConfiguredError(), 'TenantsNotConfigured'],
  ])('%s is a KeyturnError with its own name, a code and a hint', (name, error, code) => {
    expect(error).toBeInstanceOf(KeyturnError);
    expect(error).toBeInstanceOf(Error);
    expect({ name: error.name, code: error.code, hasHint: typeof error.hint === 'string' && error.hint.length > 0 }).toEqual({ name, code, hasHint: true });
  });

  it('keeps the problems of invalid options and the rejected tenant id', () => {
    expect(new InvalidSecretsOptionsError(['a', 'b']).problems).toEqual(['a', 'b']);
    expect(new InvalidTenantIdError('x/y').tenantId).toBe('x/y');
  });
});
