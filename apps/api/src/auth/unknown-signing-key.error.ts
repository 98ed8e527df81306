/** A token whose `kid` names neither the current nor the previous JWT signing key. */
export class UnknownSigningKeyError extends Error {
  override readonly name = this.constructor.name;

  constructor() {
    super('token signed with an unknown key');
  }
}
