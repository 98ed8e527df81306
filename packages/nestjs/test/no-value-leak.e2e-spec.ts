import 'reflect-metadata';
import { randomBytes, randomInt } from 'node:crypto';
import { inspect } from 'node:util';
import { ConsoleLogger, Inject, Injectable, Module, type LoggerService } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { Test, type TestingModule } from '@nestjs/testing';
import { Transform, Type } from 'class-transformer';
import { IsIn, IsString, Matches, Max, MinLength, ValidateNested } from 'class-validator';
import { CreateSecretCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import { startEmulator, type EmulatorServer } from '@keyturn/emulator';
import { testClientConfig } from '@keyturn/testing';
import { SECRET_STORE, SecretsModule, SecretsService, defineSecret, type SecretDefinition } from '@keyturn/nestjs';
import { secretsConfigLoader } from '@keyturn/nestjs/config';
import type { SecretStore } from '@keyturn/core';

/*
 * Every secret value below holds random canaries: at depths 0 to 20, inside arrays, changed by
 * @Transform/@Type before validation, quoted by custom `$value` messages and message functions, by
 * careless Standard Schemas (in messages, in vendor fields, in thrown errors), in binary secrets.
 * They go through the real AWS SDK v3 client over HTTP to the in-process emulator, through
 * start-up, rotation rejections, fetchVersion and the @nestjs/config loader, with Nest's console
 * logger writing JSON and text. No canary may appear in anything printed.
 */

const DEPTHS = Array.from({ length: 21 }, (_, d) => d);

// ---------------------------------------------------------------- canaries

/** Marker bodies: each is 20 random hex or digit characters, searched for in every output. */
const markers: string[] = [];
const hex = () => {
  const body = randomBytes(10).toString('hex');
  markers.push(body);
  return body;
};
/** A word canary, sometimes with characters that JSON and util.inspect escape. */
const canary = () => (randomInt(2) === 0 ? `CANARY${hex()}` : `C"a\\n'ry${hex()}`);
/** A numeric canary that `@Type(() => Number)` turns into a number (below 2^53, so exact). */
const digits = () => {
  const body = `9${Array.from({ length: 14 }, () => randomInt(10)).join('')}`;
  markers.push(body);
  return body;
};
/** A string that passes MinLength(n), made of canaries. */
const long = (n: number) => {
  let s = '';
  while (s.length < n) s += canary();
  return s;
};

function nest(depth: number, leaf: Record<string, unknown>): Record<string, unknown> {
  let node = leaf;
  for (let i = 0; i < depth; i++) node = { a: node };
  return node;
}

// ---------------------------------------------------------------- schemas

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

class Item {
  @MinLength(100, { message: 'item key "$value" too short' }) key!: string;
  @Matches(/^ok$/, { message: (args) => `other ${String(args.value)} does not match` }) other!: string;
}
class Leaf {
  @Transform(trim) @MinLength(200, { message: 'secret "$value" too short' }) secret!: string;
  @Type(() => Number) @Max(10, { message: 'pin $value too large' }) pin!: number;
  @IsIn(['allowed'], { message: (args) => `region ${JSON.stringify(args.value)} not allowed` }) region!: string;
  @ValidateNested({ each: true }) @Type(() => Item) items!: Item[];
  @IsString({ each: true }) @MinLength(100, { each: true, message: '$value' }) tags!: string[];
}
const classes = new Map<number, new () => object>();
/** `depth` classes, each holding the next under `a`, around a Leaf. */
function classAt(depth: number): new () => object {
  let cls = classes.get(depth);
  if (cls) return cls;
  let inner: new () => object = Leaf;
  for (let i = 0; i < depth; i++) {
    const child = inner;
    class Level {
      @ValidateNested() @Type(() => child) a!: object;
    }
    inner = Level;
  }
  classes.set(depth, inner);
  return (cls = inner);
}
const validLeaf = () => ({ secret: long(220), pin: '7', region: 'allowed', items: [{ key: long(120), other: 'ok' }], tags: [long(110)] });
const invalidLeaf = () => ({ secret: `  ${canary()}  `, pin: digits(), region: canary(), items: [{ key: canary(), other: canary() }, { key: canary(), other: 'ok' }, canary()], tags: [canary(), long(110), canary()] });

/** Every string and number leaf of a JSON value with its path (iterative). */
function leaves(input: unknown): { path: PropertyKey[]; value: unknown }[] {
  const out: { path: PropertyKey[]; value: unknown }[] = [];
  const todo: { path: PropertyKey[]; value: unknown }[] = [{ path: [], value: input }];
  while (todo.length > 0) {
    const n = todo.pop()!;
    if (n.value !== null && typeof n.value === 'object') for (const [k, v] of Object.entries(n.value)) todo.push({ path: [...n.path, Array.isArray(n.value) ? Number(k) : k], value: v });
    else out.push(n);
  }
  return out;
}
/**
 * A careless Standard Schema: valid when every `token` starts with `tok_` (then it returns its
 * input, frozen by json()); otherwise one issue per leaf, quoting it in the message and in
 * vendor fields, as some validators do.
 */
const careless: StandardSchemaV1<unknown, Record<string, unknown>> = {
  '~standard': {
    version: 1,
    vendor: 'careless',
    validate: (input) => {
      const all = leaves(input);
      if (all.every((l) => l.path[l.path.length - 1] !== 'token' || String(l.value).startsWith('tok_'))) return { value: input as Record<string, unknown> };
      return {
        issues: all.map((l, i) =>
          i % 2 === 0
            ? { message: `expected tok_ but received "${String(l.value)}"`, path: l.path, received: String(l.value), input: l.value }
            : { kind: 'validation', type: 'starts_with', expected: '"tok_"', received: JSON.stringify(l.value), message: `Invalid start: received ${JSON.stringify(l.value)}`, path: l.path.map((key) => ({ key })) },
        ),
      };
    },
  },
};
/** A Standard Schema that throws an error quoting its input. */
const throwing: StandardSchemaV1<unknown, Record<string, unknown>> = {
  '~standard': {
    version: 1,
    vendor: 'throwing',
    validate: (input) => {
      const token = leaves(input).find((l) => l.path[l.path.length - 1] === 'token')?.value;
      if (typeof token === 'string' && token.startsWith('tok_')) return { value: input as Record<string, unknown> };
      throw Object.assign(new Error(`token too short: ${String(token)}`), { input });
    },
  },
};
const validStd = () => ({ token: `tok_${canary()}`, list: [`tok_${canary()}`, { token: `tok_${canary()}`, note: canary() }] });
const invalidStd = () => ({ token: canary(), list: [canary(), { token: canary(), note: canary() }, digits()] });

// ---------------------------------------------------------------- capture

const captured: string[] = [];
function capture(x: unknown): void {
  captured.push(inspect(x, { depth: 40, showHidden: true }), inspect(x, { depth: 40, getters: true }));
  try {
    captured.push(String(x));
  } catch {
    // An object without a string form.
  }
  try {
    captured.push(JSON.stringify(x) ?? '');
  } catch {
    captured.push('[unserialisable]');
  }
  if (x instanceof Error) {
    captured.push(x.message, x.stack ?? '');
    const issues = (x as { issues?: unknown }).issues;
    if (issues !== undefined) captured.push(JSON.stringify(issues));
  }
}
const failure = (p: Promise<unknown>) => p.then(() => new Error('expected a failure'), (e: unknown) => e);

/** Nest's console logger writing JSON and text (colourless) at once, so both forms are checked. */
class BothForms implements LoggerService {
  readonly json = new ConsoleLogger('Keyturn', { json: true, logLevels: ['log', 'error', 'warn', 'debug', 'verbose', 'fatal'] });
  readonly text = new ConsoleLogger('Keyturn', { colors: false, logLevels: ['log', 'error', 'warn', 'debug', 'verbose', 'fatal'] });
  log(message: unknown, ...rest: unknown[]) {
    this.json.log(message, ...rest);
    this.text.log(message, ...rest);
  }
  warn(message: unknown, ...rest: unknown[]) {
    this.json.warn(message, ...rest);
    this.text.warn(message, ...rest);
  }
  error(message: unknown, ...rest: unknown[]) {
    this.json.error(message, ...rest);
    this.text.error(message, ...rest);
  }
  debug(message: unknown, ...rest: unknown[]) {
    this.json.debug(message, ...rest);
    this.text.debug(message, ...rest);
  }
}

// ---------------------------------------------------------------- the emulator

let emulator: EmulatorServer;
let admin: SecretsManagerClient;
const clients: SecretsManagerClient[] = [];
/** The real AWS SDK v3 client, over HTTP to the emulator. */
function client(): SecretsManagerClient {
  const c = new SecretsManagerClient(testClientConfig(emulator.endpoint));
  clients.push(c);
  return c;
}
const create = (Name: string, value: unknown) => admin.send(new CreateSecretCommand({ Name, SecretString: JSON.stringify(value) }));
const put = (SecretId: string, value: unknown) => admin.send(new PutSecretValueCommand({ SecretId, SecretString: JSON.stringify(value) }));

const writes: jest.SpyInstance[] = [];
beforeAll(async () => {
  emulator = await startEmulator({ logger: false });
  admin = new SecretsManagerClient(testClientConfig(emulator.endpoint));
  // Everything Nest's console logger (and anything else) writes is kept and searched, not shown.
  for (const stream of [process.stdout, process.stderr]) {
    writes.push(
      jest.spyOn(stream, 'write').mockImplementation(((chunk: string | Uint8Array) => {
        captured.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
        return true;
      }) as typeof stream.write),
    );
  }
});
afterAll(async () => {
  writes.forEach((w) => w.mockRestore());
  clients.forEach((c) => c.destroy());
  admin?.destroy();
  await emulator?.stop();
});

async function boot(defs: SecretDefinition<unknown>[], extra: object = {}): Promise<TestingModule> {
  const moduleRef = await Test.createTestingModule({
    imports: [SecretsModule.forRoot({ client: client(), logger: new BothForms(), ttlMs: 3_600_000, ...extra }), SecretsModule.forFeature(...defs)],
  }).compile();
  await moduleRef.init();
  return moduleRef;
}

describe('no secret value reaches any output (canaries over the emulator)', () => {
  it('start-up with invalid values at depths 0-20, binary and throwing schemas: SecretsModuleStartupError, logs, states', async () => {
    const defs: SecretDefinition<unknown>[] = [];
    for (const d of DEPTHS) {
      await create(`start/class-${d}`, nest(d, invalidLeaf()));
      await create(`start/std-${d}`, nest(d, invalidStd()));
      await create(`start/list-${d}`, { keys: Array.from({ length: 3 }, () => nest(d, invalidStd())) });
      defs.push(defineSecret(`start/class-${d}`, { schema: classAt(d) }), defineSecret(`start/std-${d}`, { schema: careless }), defineSecret(`start/list-${d}`, { key: 'keys', schema: throwing }));
    }
    const bin = canary();
    await admin.send(new CreateSecretCommand({ Name: 'start/bin', SecretBinary: Buffer.concat([Buffer.from(`{"k":"${bin}`), Buffer.from([0xff, 0x22, 0x7d])]) }));
    defs.push(defineSecret('start/bin', { schema: careless }));

    const err = await failure(boot(defs));
    capture(err);
    const message = (err as Error).message;
    expect((err as Error).name).toBe('SecretsModuleStartupError');
    // The failures are described: paths at depth 20, constraints with their arguments.
    expect(message).toContain(`${'a.'.repeat(20)}secret: minLength 200`);
    expect(message).toContain(`${'a.'.repeat(20)}pin: max 10`);
    expect(message).toContain(`${'a.'.repeat(20)}items.0.key: minLength 100`);
    expect(message).toContain(`${'a.'.repeat(20)}items.2: nestedValidation`);
    expect(message).toContain(`${'a.'.repeat(20)}tags: minLength 100`);
    expect(message).toMatch(new RegExp(`\\n +${'a\\.'.repeat(20)}list\\.1\\.token: (starts_with \\(expected "tok_"\\)|invalid \\(careless gave no check name)`));
    expect(message).toContain('keys: Error thrown by the validate/transform hook');
    expect(message).toContain('start/bin: SecretKindError (InvalidUtf8)');
  });

  it('rotation rejections, fetchVersion of rejected versions, events, states and handles', async () => {
    const defs: SecretDefinition<unknown>[] = [];
    for (const d of DEPTHS) {
      await create(`rot/class-${d}`, nest(d, validLeaf()));
      await create(`rot/std-${d}`, nest(d, validStd()));
      await create(`rot/throw-${d}`, nest(d, validStd()));
      defs.push(defineSecret(`rot/class-${d}`, { schema: classAt(d) }), defineSecret(`rot/std-${d}`, { schema: careless }), defineSecret(`rot/throw-${d}`, { schema: throwing }));
    }
    const moduleRef = await boot(defs);
    try {
      const store = moduleRef.get<SecretStore>(SECRET_STORE);
      for (const ev of ['rotation', 'rejected', 'error', 'state'] as const) store.on(ev, (e) => capture(e));
      const service = moduleRef.get(SecretsService);
      const handles = await Promise.all(defs.map((def) => service.handle(def)));
      for (const h of handles) {
        h.changes$.subscribe((e) => capture(e));
        // Valid values (canaries too) print as key names only, whatever the schema kind.
        for (const x of [h, h.get(), h.state()]) capture(x);
      }
      expect(inspect(handles[1]!.get())).toMatch(/^Object <secret rot\/std-0> \{"token":"\[redacted\]","list":"\[redacted\]"\}$/);

      // Two invalid versions each: the first is rejected (the last good value is kept), the second
      // moves the first to AWSPREVIOUS, so fetchVersion reads an invalid version.
      for (const round of [0, 1]) {
        for (const d of DEPTHS) {
          await put(`rot/class-${d}`, nest(d, invalidLeaf()));
          await put(`rot/std-${d}`, nest(d, invalidStd()));
          await put(`rot/throw-${d}`, nest(d, invalidStd()));
        }
        for (const h of handles) await h.refresh({ force: true });
        for (const h of handles) expect(h.state().rejectedVersionId).toBeDefined();
        if (round === 0) continue;
        for (const h of handles) capture(await failure(h.fetchVersion('AWSPREVIOUS')));
      }
      for (const h of handles) for (const x of [h, h.state(), h.get()]) capture(x);
      capture(service.states());
      capture(store.states());
      capture(store);
      const rejection = handles[0 + 3 * 20]!.state().rejectionReason;
      expect(rejection).toContain(`${'a.'.repeat(20)}secret: minLength 200`);
      expect(rejection).not.toMatch(/failed validation.*failed validation/);
    } finally {
      await moduleRef.close();
    }
  });

  it('the @nestjs/config loader: failing start-up and a served namespace', async () => {
    for (const d of [0, 7, 20]) {
      await create(`cfg/bad-class-${d}`, nest(d, invalidLeaf()));
      await create(`cfg/bad-std-${d}`, { inner: nest(d, invalidStd()) });
      await create(`cfg/bad-throw-${d}`, { inner: nest(d, invalidStd()) });
      await create(`cfg/good-${d}`, nest(d, validLeaf()));
    }
    const badLoader = secretsConfigLoader({
      namespace: 'bad',
      client: client(),
      logger: new BothForms(),
      secrets: {
        ...Object.fromEntries([0, 7, 20].map((d) => [`c${d}`, defineSecret(`cfg/bad-class-${d}`, { schema: classAt(d) })])),
        ...Object.fromEntries([0, 7, 20].map((d) => [`s${d}`, defineSecret(`cfg/bad-std-${d}`, { key: 'inner', schema: careless })])),
        ...Object.fromEntries([0, 7, 20].map((d) => [`t${d}`, defineSecret(`cfg/bad-throw-${d}`, { key: 'inner', schema: throwing })])),
      },
    });
    const err = await failure(Test.createTestingModule({ imports: [ConfigModule.forRoot({ ignoreEnvFile: true, load: [badLoader] })] }).compile());
    capture(err);
    expect((err as Error).message).toContain(`${'a.'.repeat(20)}tags: minLength 100`);
    expect((err as Error).message).toContain('inner: Error thrown by the validate/transform hook');

    const goodLoader = secretsConfigLoader({
      namespace: 'good',
      client: client(),
      logger: new BothForms(),
      secrets: Object.fromEntries([0, 7, 20].map((d) => [`c${d}`, defineSecret(`cfg/good-${d}`, { schema: classAt(d) })])),
    });
    @Injectable()
    class Consumer {
      constructor(@Inject(goodLoader.KEY) readonly good: unknown) {}
    }
    @Module({ imports: [ConfigModule.forFeature(goodLoader)], providers: [Consumer] })
    class ConsumerModule {}
    const moduleRef = await Test.createTestingModule({ imports: [ConfigModule.forRoot({ ignoreEnvFile: true, load: [goodLoader] }), ConsumerModule] }).compile();
    await moduleRef.init();
    try {
      const config = moduleRef.get(ConfigService);
      for (const x of [config.get('good'), config.get('good.c7'), moduleRef.get(Consumer).good]) capture(x);
      expect(inspect(config.get('good.c0'))).toMatch(/^Leaf <secret cfg\/good-0> /);
    } finally {
      await moduleRef.close();
    }
  });

  it('none of the canaries appears in anything captured above', () => {
    const all = captured.join('\n');
    // The outputs were produced (logs in both forms, errors, states) ...
    expect(all).toContain('"level":"warn"');
    expect(all).toMatch(/WARN \[Keyturn\]/);
    expect(all).toContain('rot/class-20');
    expect(markers.length).toBeGreaterThan(500);
    // ... and hold none of the canaries.
    const leaked = markers.filter((m) => all.includes(m));
    expect(leaked).toEqual([]);
  });
});
