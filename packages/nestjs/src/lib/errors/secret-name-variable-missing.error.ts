import { KeyturnError } from '@keyturn/core';

/** A secret name template uses a `{variable}` the `variables` option does not set. */
export class SecretNameVariableMissingError extends KeyturnError {
  override name = this.constructor.name;

  constructor(
    /** The variable without its braces, e.g. `env`. */
    readonly variable: string,
    /** The secret name template that uses it, e.g. `payments/{env}/db`. */
    readonly template: string,
  ) {
    super(
      `Secret name "${template}" uses {${variable}}, which is not set: add ${variable} to the variables option of SecretsModule.forRoot/forRootAsync (or secretsConfigLoader), e.g. variables: { ${variable}: '...' }`,
      { secretId: template, code: 'SecretNameVariableMissing', hint: `variables.${variable} in the SecretsModule options` },
    );
  }
}
