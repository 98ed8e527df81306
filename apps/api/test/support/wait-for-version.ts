import { waitFor } from '@keyturn/testing';

/** Waits until the API's /health reports `versionId` for `secretId` (the app serves the rotated version). */
export async function waitForAppVersion(url: string, secretId: string, versionId: string, timeoutMs = 30_000): Promise<void> {
  let last: unknown;
  try {
    await waitFor(
      async () => {
        const res = await fetch(`${url}/health`);
        const body = (await res.json()) as { details?: Record<string, { secrets?: Record<string, { versionId?: string }> }> };
        last = body.details?.secrets?.secrets?.[secretId];
        return body.details?.secrets?.secrets?.[secretId]?.versionId === versionId;
      },
      `the API to serve ${secretId} version ${versionId}`,
      timeoutMs,
      100,
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}; last seen: ${JSON.stringify(last)}`);
  }
}
