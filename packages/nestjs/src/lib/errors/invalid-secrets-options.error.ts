import { KeyturnError } from '@keyturn/core';

/** `SecretsModule` options that cannot work; the message lists every problem and how to fix it. */
export class InvalidSecretsOptionsError extends KeyturnError {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid SecretsModule options:\n${problems.map((p) => `  - ${p}`).join('\n')}`, {
      code: 'InvalidSecretsOptions',
      hint: 'the options of SecretsModule.forRoot/forRootAsync (or secretsConfigLoader)',
    });
  }
}
