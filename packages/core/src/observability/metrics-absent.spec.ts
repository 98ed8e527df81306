// Without @opentelemetry/api installed, metrics stay a plain snapshot and nothing fails.
jest.mock('@opentelemetry/api', () => {
  throw Object.assign(new Error("Cannot find module '@opentelemetry/api'"), { code: 'MODULE_NOT_FOUND' });
});

import { MemorySource } from '../sources/memory.source.js';
import { SecretStore } from '../store/secret-store.js';
import { MetricsRecorder } from './metrics.js';

it('is a no-op when @opentelemetry/api cannot be loaded', async () => {
  await expect(new MetricsRecorder().enableOpenTelemetry(undefined, () => [])).resolves.toBe(false);
  const store = new SecretStore({ sources: new MemorySource({ secrets: { s: 'v' } }) });
  const e = store.register({ ref: 's' });
  await store.start();
  expect(e.get().text()).toBe('v');
  expect(store.metrics()).toMatchObject({ hits: 1, apiCalls: { MemoryGet: 1 } });
  await store.stop();
});
