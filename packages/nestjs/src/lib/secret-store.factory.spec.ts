import { MemorySource, type SecretRequest } from '@keyturn/core';
import { createSecretStoreResources, releaseSecretStoreResources } from './secret-store.factory';
import { resolveSecretsOptions } from './secrets-options.validator';

const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

describe('createSecretStoreResources', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('gives the store startupJitterMs: the first load waits a random part of it', async () => {
    const memory = new MemorySource({ secrets: { 'app/db': 'v' } });
    const calls: SecretRequest[][] = [];
    const source = { name: 'memory', fetch: (requests: readonly SecretRequest[]) => (calls.push([...requests]), memory.fetch(requests)) };
    const random = jest.spyOn(Math, 'random').mockReturnValue(0.5);
    try {
      const resources = createSecretStoreResources(resolveSecretsOptions({ sources: [source], startupJitterMs: 10_000, metrics: { openTelemetry: false } }), quiet);
      resources.store.register({ ref: 'app/db' });
      const started = resources.store.start();
      await jest.advanceTimersByTimeAsync(4_999);
      expect(calls).toHaveLength(0);
      await jest.advanceTimersByTimeAsync(1);
      await started;
      expect(calls).toHaveLength(1);
      await releaseSecretStoreResources(resources);
    } finally {
      random.mockRestore();
    }
  });
});
