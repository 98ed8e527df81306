import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StoreCorruptError } from '../errors/store-corrupt-error.js';
import type { SecretRecord } from '../model/secret-record.js';
import { JournalPersistence } from './journal-persistence.js';

function secret(name: string, values: string[]): SecretRecord {
  return {
    arn: `arn:aws:secretsmanager:us-east-1:123456789012:secret:${name}-AbCdEf`,
    name,
    tags: [],
    created: 1,
    lastChanged: 1,
    versions: values.map((v, i) => ({ id: `${name}-${i}-`.padEnd(32, '0'), created: i, stages: i === values.length - 1 ? ['AWSCURRENT'] : [], string: v })),
  };
}

describe('JournalPersistence', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'keyturn-journal-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Simulates a crash: the journal is reopened without close() (no final compaction). */
  const reopen = (compactEvery = 1000) => {
    const p = new JournalPersistence({ dir, compactEvery });
    return { p, state: p.load() };
  };

  it('replays journal entries, writing each value once and keeping older values', () => {
    const { p } = reopen();
    p.put(secret('a', ['one']), [secret('a', ['one']).versions[0]!.id]);
    const two = secret('a', ['one', 'two']);
    p.put(two, [two.versions[1]!.id]);
    p.put(secret('b', ['x']), [secret('b', ['x']).versions[0]!.id]);
    p.remove(secret('b', ['x']).arn);
    const journal = readFileSync(join(dir, 'journal.log'), 'utf8');
    expect(journal.split('"one"').length - 1).toBe(1);
    const { state } = reopen();
    expect(state.map((s) => s.name)).toEqual(['a']);
    expect(state[0]!.versions.map((v) => v.string)).toEqual(['one', 'two']);
  });

  it('drops a torn last line and keeps everything before it', () => {
    const { p } = reopen();
    p.put(secret('a', ['one']), [secret('a', ['one']).versions[0]!.id]);
    appendFileSync(join(dir, 'journal.log'), '0123456789abcdef {"seq":2,"put":{"arn":"x","na');
    const notices: string[] = [];
    const again = new JournalPersistence({ dir, notice: (m) => notices.push(m) });
    expect(again.load().map((s) => s.name)).toEqual(['a']);
    expect(notices.join()).toMatch(/torn/);
    // The torn bytes are gone, so later appends stay readable.
    again.put(secret('c', ['z']), [secret('c', ['z']).versions[0]!.id]);
    expect(reopen().state.map((s) => s.name).sort()).toEqual(['a', 'c']);
  });

  it('refuses a journal whose damaged line is followed by good ones', () => {
    const { p } = reopen();
    p.put(secret('a', ['one']), [secret('a', ['one']).versions[0]!.id]);
    const good = readFileSync(join(dir, 'journal.log'), 'utf8');
    writeFileSync(join(dir, 'journal.log'), `ffffffffffffffff {"garbage":true}\n${good}`);
    expect(() => new JournalPersistence({ dir }).load()).toThrow(StoreCorruptError);
  });

  it('journals only the change: a write to a secret with 3,000 versions is as small as one with 3', () => {
    const { p } = reopen();
    const lineOf = (versions: number): number => {
      const before = secret(`s${versions}`, Array.from({ length: versions }, (_, i) => `v${i}`));
      p.put(before, before.versions.map((v) => v.id));
      const after = structuredClone(before);
      after.versions[after.versions.length - 1]!.stages = ['AWSPREVIOUS'];
      after.versions.push({ id: `s${versions}-new`.padEnd(32, '0'), created: 9, stages: ['AWSCURRENT'], string: 'new-value' });
      p.put(after, [after.versions.at(-1)!.id], before);
      const lines = readFileSync(join(dir, 'journal.log'), 'utf8').trimEnd().split('\n');
      return Buffer.byteLength(lines.at(-1)!);
    };
    const small = lineOf(3);
    const large = lineOf(3000);
    expect(large).toBeLessThan(small + 64);
    const { state } = reopen();
    const big = state.find((s) => s.name === 's3000')!;
    expect(big.versions).toHaveLength(3001);
    expect(big.versions.at(-1)).toMatchObject({ string: 'new-value', stages: ['AWSCURRENT'] });
    expect(big.versions.at(-2)).toMatchObject({ string: 'v2999', stages: ['AWSPREVIOUS'] });
    expect(big.versions[0]).toMatchObject({ string: 'v0', stages: [] });
  });

  it('replays dropped versions and changed labels from change records', () => {
    const { p } = reopen();
    const a = secret('a', ['one', 'two', 'three']);
    p.put(a, a.versions.map((v) => v.id));
    const b = structuredClone(a);
    b.versions.shift();
    b.tags = [{ Key: 'k', Value: 'v' }];
    b.versions[0]!.stages = ['BLUE'];
    p.put(b, [], a);
    const { state } = reopen();
    expect(state[0]!.tags).toEqual([{ Key: 'k', Value: 'v' }]);
    expect(state[0]!.versions.map((v) => [v.string, v.stages])).toEqual([
      ['two', ['BLUE']],
      ['three', ['AWSCURRENT']],
    ]);
  });

  it('refuses a bit flip in the last complete (newline-terminated) line instead of dropping it', () => {
    const { p } = reopen();
    p.put(secret('a', ['one']), [secret('a', ['one']).versions[0]!.id]);
    p.put(secret('b', ['two']), [secret('b', ['two']).versions[0]!.id]);
    const buf = readFileSync(join(dir, 'journal.log'));
    const at = buf.lastIndexOf(Buffer.from('"two"')) + 2;
    buf[at] = buf[at]! ^ 0x01;
    writeFileSync(join(dir, 'journal.log'), buf);
    const notices: string[] = [];
    expect(() => new JournalPersistence({ dir, notice: (m) => notices.push(m) }).load()).toThrow(/line 2 .*checksum/);
    expect(readFileSync(join(dir, 'journal.log'))).toEqual(buf);
  });

  it('refuses a damaged first line even when it is the only one', () => {
    writeFileSync(join(dir, 'journal.log'), 'ffffffffffffffff {"seq":1}\n');
    expect(() => new JournalPersistence({ dir }).load()).toThrow(StoreCorruptError);
  });

  it('compacts into a snapshot and empties the journal', () => {
    const { p } = reopen(3);
    const all: SecretRecord[] = [];
    for (const n of ['a', 'b', 'c']) {
      const s = secret(n, [n]);
      all.push(s);
      p.put(s, [s.versions[0]!.id]);
      p.maybeCompact(() => all);
    }
    expect(existsSync(join(dir, 'snapshot.json'))).toBe(true);
    expect(readFileSync(join(dir, 'journal.log'), 'utf8')).toBe('');
    expect(reopen().state.map((s) => s.versions[0]!.string).sort()).toEqual(['a', 'b', 'c']);
  });

  it('skips journal entries already in the snapshot (crash between rename and truncation)', () => {
    const { p } = reopen();
    const a = secret('a', ['one']);
    p.put(a, [a.versions[0]!.id]);
    const journal = readFileSync(join(dir, 'journal.log'));
    p.close(() => [a]); // snapshot at seq 1, journal emptied
    writeFileSync(join(dir, 'journal.log'), journal); // as if the truncation never happened
    const { state } = reopen();
    expect(state).toHaveLength(1);
    expect(state[0]!.versions[0]!.string).toBe('one');
  });

  it('ignores a leftover temporary snapshot and refuses a damaged snapshot', () => {
    writeFileSync(join(dir, 'snapshot.json.tmp'), 'half written');
    expect(reopen().state).toEqual([]);
    writeFileSync(join(dir, 'snapshot.json'), '0000000000000000 {"format":"keyturn-emulator-snapshot/1"}\n');
    expect(() => new JournalPersistence({ dir }).load()).toThrow(StoreCorruptError);
  });
});
