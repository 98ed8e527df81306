// Shared pieces of the benchmarks: an in-process emulator, clients that count API calls,
// interleaved rounds and min/median/max summaries.
import { SecretsManagerClient, CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { startEmulator } from '@keyturn/emulator';

export const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** An in-process Keyturn emulator (no SigV4 check) on a free port. */
export async function startBackend() {
  const server = await startEmulator({ logger: false, port: 0 });
  return { endpoint: server.endpoint, stop: () => server.stop() };
}

/** An SDK client whose API calls are counted by operation (every HTTP attempt counts). */
export function countingClient(endpoint, config = {}) {
  const client = new SecretsManagerClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, ...config });
  const calls = {};
  client.middlewareStack.add(
    (next, ctx) => async (args) => {
      const op = ctx.commandName.replace(/Command$/, '');
      calls[op] = (calls[op] ?? 0) + 1;
      return next(args);
    },
    { step: 'finalizeRequest', priority: 'low', name: 'benchCounter' },
  );
  return { client, calls, total: () => Object.values(calls).reduce((a, b) => a + b, 0) };
}

export async function createSecrets(endpoint, names) {
  const { client } = countingClient(endpoint);
  for (let i = 0; i < names.length; i += 50) {
    await Promise.all(names.slice(i, i + 50).map((n) => client.send(new CreateSecretCommand({ Name: n, SecretString: JSON.stringify({ name: n }) }))));
  }
  client.destroy();
}

export const fmtCalls = (c) => Object.entries(c).sort().map(([k, v]) => `${v} ${k}`).join(' + ') || '0';

/** min / median / max of numbers. */
export function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0], median: s[Math.floor(s.length / 2)], max: s[s.length - 1] };
}

/** The p-th percentile (0-100) of numbers, nearest rank; undefined for none. */
export function percentile(xs, p) {
  if (xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

export const fmtStats = (xs, digits = 1) => {
  const { min, median, max } = stats(xs);
  return `${min.toFixed(digits)} / ${median.toFixed(digits)} / ${max.toFixed(digits)}`;
};

/**
 * Runs each contender once per round, in turn (interleaved), `rounds` times. A contender is
 * `{ name, run }` where `run()` resolves to `{ value, detail?, sink? }`; sinks are summed and printed
 * so no result can be dropped as dead code.
 */
export async function interleaved(contenders, rounds) {
  const results = new Map(contenders.map((c) => [c.name, { values: [], detail: undefined }]));
  let sink = 0;
  for (let r = 0; r < rounds; r++) {
    for (const c of contenders) {
      const out = await c.run();
      const slot = results.get(c.name);
      slot.values.push(out.value);
      slot.detail = out.detail ?? slot.detail;
      sink += typeof out.sink === 'number' ? out.sink : 0;
    }
  }
  return { results, sink };
}

/** Prints one markdown table of interleaved results, with each contender's median against the first's. */
export function printTable(title, unit, { results, sink }, digits = 1) {
  console.log(`\n${title}\n`);
  console.log(`| contender | ${unit} min / median / max | vs first | detail |`);
  console.log('| --- | ---: | ---: | --- |');
  let base;
  for (const [name, { values, detail }] of results) {
    const m = stats(values).median;
    base ??= m;
    const ratio = base === 0 ? (m === 0 ? '1.0x' : '-') : `${(m / base).toFixed(1)}x`;
    console.log(`| ${name} | ${fmtStats(values, digits)} | ${ratio} | ${detail ?? ''} |`);
  }
  console.log(`(sink ${sink})`);
}

export async function loadPowertools() {
  try {
    return await import('@aws-lambda-powertools/parameters/secrets');
  } catch {
    return undefined;
  }
}
