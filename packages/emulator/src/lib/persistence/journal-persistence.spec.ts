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
    versions: values.map((v, i) => ({ id: `${name}-${i}`.padEnd(32, '0'), created: i, stages: i === values.length - 1 ? ['AWSCURRENT'] : [], string: v })),
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
