import { inspect } from 'node:util';
import { KeyturnError } from './errors/keyturn.error.js';
import { SecretValidationError } from './errors/secret-validation.error.js';
import { SecretsStartupError } from './errors/secrets-startup.error.js';
import { AwsSecretsManagerSource } from './sources/aws-secrets-manager.source.js';
import { ChainSource } from './sources/chain.source.js';
import { DotenvSource } from './sources/dotenv.source.js';
import { EnvSource } from './sources/env.source.js';
import { MemorySource } from './sources/memory.source.js';
import { SecretStore } from './store/secret-store.js';
import type { RotationEvent } from './store/store.types.js';
import { SecretValue } from './values/secret-value.js';

const CANARY = 'canary-7f3a9c1e-do-not-print';

/** Every way an object commonly ends up in a log. */
function renderings(x: unknown): string[] {
  return [
    inspect(x),
    inspect(x, { showHidden: true, depth: 20, getters: true }),
    String(x),
    `${x}`,
    JSON.stringify(x) ?? '',
    JSON.stringify({ wrapped: x }),
    inspect({ nested: [x] }, { depth: 20 }),
    Object.keys(x as object).join(','),
    JSON.stringify(Object.entries(x as object)),
  ];
}

const expectRedacted = (x: unknown) => {
  for (const r of renderings(x)) expect(r).not.toContain(CANARY);
};

describe('redaction by construction', () => {
  it('SecretValue (string, JSON and binary)', () => {
    const s = new SecretValue({ secretId: 'a', versionId: 'v'.repeat(32), source: 'm', secretString: CANARY });
    const j = new SecretValue({ secretId: 'a', versionId: 'v'.repeat(32), source: 'm', secretString: JSON.stringify({ password: CANARY }) });
    j.json();
    const b = new SecretValue({ secretId: 'a', versionId: 'v'.repeat(32), source: 'm', secretBinary: new TextEncoder().encode(CANARY) });
    for (const v of [s, j, b]) expectRedacted(v);
    expect(s.text()).toBe(CANARY);
    expect(inspect(s)).toContain('[REDACTED]');
    expect(JSON.parse(JSON.stringify(j))).toMatchObject({ secretId: 'a', value: '[REDACTED]' });
  });

  it('store, entries, rotation events and sources', async () => {
    const memory = new MemorySource({ secrets: { s: { password: CANARY } } });
    const env = new EnvSource({ mapping: { e: 'CANARY_VAR' }, env: { CANARY_VAR: CANARY } });
    const store = new SecretStore({ sources: [memory, env], metrics: { openTelemetry: false }, ttlMs: 60_000 });
    const entry = store.register({ ref: 's', transform: (v) => ({ password: String(v.field('password')) }) });
    const plain = store.register({ ref: 's' });
    const fromEnv = store.register({ ref: 'e' });
    const events: RotationEvent<unknown>[] = [];
    store.on('rotation', (e) => events.push(e));
    entry.subscribe((e) => events.push(e));
    await store.start();
    memory.put('s', { password: `${CANARY}-2` });
    await store.refresh('s', { force: true });
    expect(events).toHaveLength(2);
    expect((events[1].value as { password: string }).password).toBe(`${CANARY}-2`);
    const dotenv = new DotenvSource({ path: '/nonexistent/.env', mapping: { d: 'D' } });
    const aws = new AwsSecretsManagerSource({ clientConfig: { region: 'us-east-1' } });
    for (const x of [store, entry, plain, fromEnv, ...events, memory, env, dotenv, aws, new ChainSource([memory, env]), store.states(), store.metrics(), entry.state(), entry.current()]) {
      expectRedacted(x);
    }
    await store.stop();
  });

  it('errors carry no value', () => {
    const errors: KeyturnError[] = [
      new SecretValidationError('s', [{ path: 'password', constraints: ['minLength'] }]),
      new SecretsStartupError([{ secretId: 's', error: new SecretValidationError('s', []) }]),
    ];
    for (const e of errors) expectRedacted(e);
    expect(errors[0].name).toBe('SecretValidationError');
    expect(errors[1].message).toContain('s: SecretValidationError (ValidationFailed)');
  });
});
