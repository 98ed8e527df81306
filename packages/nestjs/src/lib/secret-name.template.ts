import { SecretNameVariableMissingError } from './errors/secret-name-variable-missing.error.js';

const VARIABLE = /\{([A-Za-z_][A-Za-z0-9_-]*)\}/g;

/** Names of the `{variables}` a secret name template uses. */
export function templateVariables(template: string): string[] {
  return [...template.matchAll(VARIABLE)].map((m) => m[1] as string);
}

/** Fills `{variables}` in a secret name; an unset variable throws `SecretNameVariableMissingError`, naming it and the template. */
export function renderSecretName(template: string, variables: Readonly<Record<string, string>>): string {
  return template.replace(VARIABLE, (_, name: string) => {
    const value = variables[name];
    if (value === undefined) throw new SecretNameVariableMissingError(name, template);
    return value;
  });
}
