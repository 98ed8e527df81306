import { KeyturnError } from '@keyturn/core';

/** A tenant lookup without the `tenants` option. */
export class TenantsNotConfiguredError extends KeyturnError {
  constructor() {
    super("Tenant secrets need the SecretsModule option tenants: { template: '{app}/{env}/clients/{tenant}' }", {
      code: 'TenantsNotConfigured',
      hint: 'the tenants option of SecretsModule.forRoot/forRootAsync',
    });
  }
}
