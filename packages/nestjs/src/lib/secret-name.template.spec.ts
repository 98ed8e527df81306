import { KeyturnError } from '@keyturn/core';
import { SecretNameVariableMissingError } from '../index';
import { renderSecretName, templateVariables } from './secret-name.template';

describe('renderSecretName', () => {
  it('fills the variables of a template', () => {
    expect(templateVariables('{app}/{env}/db')).toEqual(['app', 'env']);
    expect(renderSecretName('{app}/{env}/db', { app: 'payments', env: 'prod' })).toBe('payments/prod/db');
  });

  it('throws SecretNameVariableMissingError naming the unset variable and the variables option', () => {
    const err = (() => {
      try {
        return renderSecretName('{app}/{env}/db', { app: 'payments' });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(SecretNameVariableMissingError);
    expect(err).toBeInstanceOf(KeyturnError);
    const error = err as SecretNameVariableMissingError;
    expect(error.name).toBe('SecretNameVariableMissingError');
    expect(error.variable).toBe('env');
    expect(error.template).toBe('{app}/{env}/db');
    expect(error.code).toBe('SecretNameVariableMissing');
    expect(error.message).toContain('{env}');
    expect(error.message).toContain('{app}/{env}/db');
    expect(error.message).toMatch(/variables option of SecretsModule/);
    expect(error.message).toContain("variables: { env: '...' }");
  });
});
