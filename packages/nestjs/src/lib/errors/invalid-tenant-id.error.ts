/** A tenant id that cannot be part of a secret name (it could escape the tenant naming template). */
export class InvalidTenantIdError extends Error {
  override readonly name = this.constructor.name;

  constructor(readonly tenantId: string) {
    super(`Tenant id ${JSON.stringify(tenantId.slice(0, 64))} is not allowed in a secret name: use letters, digits and _+=.@- (no '/', not '.' or '..')`);
  }
}
