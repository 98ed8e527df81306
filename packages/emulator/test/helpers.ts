import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { testClientConfig } from '@keyturn/testing';

/** An SDK client for an endpoint, with the test credentials and no retries. */
export function clientFor(endpoint: string, overrides: Record<string, unknown> = {}): SecretsManagerClient {
  return new SecretsManagerClient({ ...testClientConfig(endpoint), ...overrides });
}

/** The rejection of `p` (fails the test when `p` resolves). */
export async function failure(p: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await p;
  } catch (e) {
    return e as Error & { $metadata?: { httpStatusCode?: number } };
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** A raw awsJson1_1 call (for inputs the SDK would not send). */
export async function raw(
  endpoint: string,
  target: string | undefined,
  body: string | Uint8Array,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; json: Record<string, unknown> | undefined; text: string }> {
  const res = await fetch(`${endpoint}/`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.1',
      Authorization: 'AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/secretsmanager/aws4_request, SignedHeaders=host, Signature=0',
      ...(target ? { 'X-Amz-Target': `secretsmanager.${target}` } : {}),
      ...headers,
    },
    body,
  });
  const text = await res.text();
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, json, text };
}

/** mulberry32: a small seeded PRNG, so that a failing generated run can be replayed from its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
