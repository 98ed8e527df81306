import { createHash } from 'node:crypto';

/**
 * A deterministic ClientRequestToken (UUID-shaped, 36 characters) derived from the secret id,
 * the version the change is based on and the new content. Retrying the same change (a network
 * error, a second run) sends the same token, so Secrets Manager creates at most one version.
 * Including the base version makes A -> B -> A produce a new version instead of a silent no-op
 * on the old token.
 */
export function requestToken(secretId: string, baseVersionId: string | undefined, content: string): string {
  const h = createHash('sha256').update('keyturn/v1\0').update(secretId).update('\0').update(baseVersionId ?? '').update('\0').update(content).digest('hex');
  // Version nibble 8 ("custom" UUID, RFC 9562) and variant 10xx.
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
