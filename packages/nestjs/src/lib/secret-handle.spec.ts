import { inspect } from 'node:util';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import { MemorySource, SecretStore, SecretValidationError, type SecretValue } from '@keyturn/core';
import { defineSecret } from './define-secret';
import type { SecretDefinition } from './interfaces/secret-definition.interface';
import { StoreSecretHandle } from './secret-handle';
import { SecretValueTransformer } from './secret-value.transformer';

const CANARY = 'canary-handle-31c7';

/** A careless schema: its error message quotes the value. */
const token: StandardSchemaV1<unknown, string> = {
  '~standard': {
    version: 1,
    vendor: 'test',
    validate: (input) => {
      if (typeof input !== 'string' || input.length < 20) throw new Error(`token too short: ${String(input)}`);
      return { value: input };
    },
  },
};

async function handleOver<T>(memory: MemorySource, def: SecretDefinition<T>) {
  const store = new SecretStore({ sources: memory, metrics: { openTelemetry: false } });
  const transformer = new SecretValueTransformer();
  const entry = store.register({ ref: def.ref, transform: (v: SecretValue) => transformer.transform(def, v) });
  await store.start();
  return { store, handle: new StoreSecretHandle(entry, def, store, transformer) };
}

describe('StoreSecretHandle', () => {
  it('fetchVersion wraps a foreign error thrown by the schema as the store does, keeping only its class name', async () => {
    const memory = new MemorySource({ secrets: { 'app/t': JSON.stringify({ token: CANARY.slice(0, 8) }) } });
    const def = defineSecret('app/t', { key: 'token', schema: token });
    memory.put('app/t', JSON.stringify({ token: `${CANARY}-long-enough` }));
    const { store, handle } = await handleOver(memory, def);
    expect(handle.get()).toBe(`${CANARY}-long-enough`);
    const err = await handle.fetchVersion('AWSPREVIOUS').then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(SecretValidationError);
    expect((err as SecretValidationError).issues).toEqual([{ path: 'token', constraints: ['Error thrown by the validate/transform hook (message withheld: it may quote the value)'] }]);
    expect([(err as Error).message, inspect(err, { showHidden: true, depth: 10 }), JSON.stringify(err)].join()).not.toContain(CANARY.slice(0, 8));
    await store.stop();
  });

  it('serves a binary secret defined with { binary: true }, printed without its bytes', async () => {
    const memory = new MemorySource({ secrets: { 'app/bin': new Uint8Array([0xc3, 0x28, 0x01]) } });
    const { store, handle } = await handleOver(memory, defineSecret('app/bin', { binary: true }));
    expect([...handle.get()]).toEqual([0xc3, 0x28, 0x01]);
    expect(inspect(handle.get())).not.toContain('195');
    await store.stop();
  });
});
