/** A tenant lookup without the `tenants` option. */
export class TenantsNotConfiguredError extends Error {
  override readonly name = this.constructor.name;

  constructor() {
    super("Tenant secrets need the SecretsModule option tenants: { template: '{app}/{env}/clients/{tenant}' }");
  }
}
