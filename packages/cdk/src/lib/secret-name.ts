/** The naming template Keyturn's sample API and its documentation use. */
export const DEFAULT_NAME_TEMPLATE = '{app}/{env}/{service}/{type}';

const NAME_RE = /^[A-Za-z0-9/_+=.@-]{1,512}$/;

/**
 * Fills `{app}`, `{env}`, `{service}` and `{type}` into a secret name template.
 * Throws when a placeholder has no value or the result is not a valid secret name.
 *
 * @example secretName('{app}/{env}/{service}/{type}', { app: 'shop', env: 'prod', service: 'postgres', type: 'app-user' }) // 'shop/prod/postgres/app-user'
 */
export function secretName(template: string, parts: Readonly<Record<'app' | 'env' | 'service' | 'type', string | undefined>>): string {
  const name = template.replace(/\{([a-z]+)\}/g, (whole, key: string) => {
    const value = (parts as Record<string, string | undefined>)[key];
    if (value === undefined || value === '') throw new Error(`Secret name template "${template}" needs {${key}}: declare it (service/type) or give the secret a full name.`);
    return value;
  });
  if (!NAME_RE.test(name)) throw new Error(`"${name}" is not a valid secret name (1-512 characters: letters, digits and /_+=.@-).`);
  return name;
}
