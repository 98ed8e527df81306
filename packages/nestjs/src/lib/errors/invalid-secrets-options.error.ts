/** `SecretsModule` options that cannot work; the message lists every problem and how to fix it. */
export class InvalidSecretsOptionsError extends Error {
  override readonly name = this.constructor.name;

  constructor(readonly problems: readonly string[]) {
    super(`Invalid SecretsModule options:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}
