import { KeyturnError } from '@keyturn/core';

/** A tenant id that cannot be part of a secret name (it could escape the tenant naming template). */
export class InvalidTenantIdError extends KeyturnError {
  constructor(readonly tenantId: string) {
    super(`Tenant id ${JSON.stringify(tenantId.slice(0, 64))} is not allowed in a secret name: use letters, digits and _+=.@- (no '/', not '.' or '..')`, {
      code: 'InvalidTenantId',
      hint: 'the tenant id passed to SecretsService (letters, digits and _+=.@-)',
    });
  }
}
