import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { StoreCorruptError } from '../errors/store-corrupt-error.js';
import type { SecretRecord, VersionRecord } from '../model/secret-record.js';
import type { Persistence } from './persistence.js';

/** Options of the file-backed store. */
export interface JournalPersistenceOptions {
  /** Directory holding `snapshot.json` and `journal.log` (created when missing). */
  dir: string;
  /**
   * Journal entries after which the journal is folded into a new snapshot.
   * @default 1000
   */
  compactEvery?: number;
  /** Called with a one-line notice (for example when a torn last journal line was dropped). */
  notice?: (msg: string) => void;
}

type StoredValue = Pick<VersionRecord, 'string' | 'binary'>;
/** The secret's members other than its versions. */
type SecretMeta = Omit<SecretRecord, 'versions'>;
/**
 * One line per acknowledged write: a new secret in full (`put`), the change to an existing one
 * (`change`: its other members, the versions added or relabelled, the versions dropped), or a
 * removal. A value is written once, in the record of the write that created it.
 */
type JournalEntry =
  | { seq: number; put: SecretRecord; values: Record<string, StoredValue> }
  | { seq: number; change: { meta: SecretMeta; upsert: VersionRecord[]; drop: string[] } }
  | { seq: number; remove: string };
interface Snapshot {
  format: 'keyturn-emulator-snapshot/1';
  seq: number;
  secrets: SecretRecord[];
}

const SNAPSHOT = 'snapshot.json';
const JOURNAL = 'journal.log';

function checksum(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** `<checksum> <json>\n`: a line whose checksum does not match its JSON is torn or corrupt. */
function frame(value: unknown): string {
  const json = JSON.stringify(value);
  return `${checksum(json)} ${json}\n`;
}

function unframe(line: string): unknown {
  const space = line.indexOf(' ');
  if (space !== 16) return undefined;
  const json = line.slice(space + 1);
  if (checksum(json) !== line.slice(0, space)) return undefined;
  try {
    return JSON.parse(json);
  } catch {
    return undefined;
  }
}

function sameStages(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function withoutValues(secret: SecretRecord): SecretRecord {
  return { ...secret, versions: secret.versions.map(({ string: _s, binary: _b, ...rest }) => rest) };
}

/**
 * Crash-safe file store: an append-only journal (one checksummed JSON line per mutation,
 * fsynced before the write is acknowledged) folded periodically into a snapshot that is
 * written to a temporary file, fsynced and renamed over the old one. A torn last journal line
 * (a crash during the append, before any acknowledgement) is dropped on load.
 */
export class JournalPersistence implements Persistence {
  private fd: number | undefined;
  private seq = 0;
  private entries = 0;
  private readonly compactEvery: number;

  constructor(private readonly options: JournalPersistenceOptions) {
    this.compactEvery = options.compactEvery ?? 1000;
  }

  private get snapshotPath(): string {
    return join(this.options.dir, SNAPSHOT);
  }
  private get journalPath(): string {
    return join(this.options.dir, JOURNAL);
  }

  load(): SecretRecord[] {
    mkdirSync(this.options.dir, { recursive: true });
    rmSync(`${this.snapshotPath}.tmp`, { force: true });
    const secrets = new Map<string, SecretRecord>();
    if (existsSync(this.snapshotPath)) {
      const snap = unframe(readFileSync(this.snapshotPath, 'utf8').trimEnd()) as Snapshot | undefined;
      if (!snap || snap.format !== 'keyturn-emulator-snapshot/1' || !Array.isArray(snap.secrets)) {
        throw new StoreCorruptError(this.snapshotPath, 'the snapshot checksum or format does not match');
      }
      this.seq = snap.seq;
      for (const s of snap.secrets) secrets.set(s.arn, s);
    }
    let validBytes = 0;
    if (existsSync(this.journalPath)) {
      const buf = readFileSync(this.journalPath);
      let offset = 0;
      for (let line = 1; offset < buf.length; line++) {
        const nl = buf.indexOf(0x0a, offset);
        if (nl === -1) {
          // An unterminated last line was never fsynced as a whole, so never acknowledged: a
          // crash during the append. It is the only damage that is repaired by dropping it.
          this.options.notice?.(`dropped a torn (unterminated) last journal line ${line} (${buf.length - offset} bytes at byte ${offset}) in ${this.journalPath}; the write it held was never acknowledged`);
          break;
        }
        const entry = unframe(buf.subarray(offset, nl).toString('utf8')) as JournalEntry | undefined;
        if (!entry || typeof entry.seq !== 'number') {
          throw new StoreCorruptError(this.journalPath, `journal line ${line} (at byte ${offset}) does not match its checksum; it was complete, so it held an acknowledged write and is not dropped`);
        }
        offset = nl + 1;
        validBytes = offset;
        if (entry.seq <= this.seq) continue; // already folded into the snapshot
        this.seq = entry.seq;
        if ('remove' in entry) {
          secrets.delete(entry.remove);
        } else if ('change' in entry) {
          const prev = secrets.get(entry.change.meta.arn);
          if (!prev) throw new StoreCorruptError(this.journalPath, `journal line ${line} changes a secret that no earlier record creates`);
          const drop = new Set(entry.change.drop);
          const versions = prev.versions.filter((v) => !drop.has(v.id));
          const byId = new Map(versions.map((v) => [v.id, v]));
          for (const u of entry.change.upsert) {
            const existing = byId.get(u.id);
            if (existing) Object.assign(existing, u);
            else {
              versions.push(u);
              byId.set(u.id, u);
            }
          }
          secrets.set(prev.arn, { ...entry.change.meta, versions });
        } else {
          const prev = secrets.get(entry.put.arn);
          for (const v of entry.put.versions) {
            const value = entry.values[v.id] ?? prev?.versions.find((p) => p.id === v.id);
            if (value?.string !== undefined) v.string = value.string;
            if (value?.binary !== undefined) v.binary = value.binary;
          }
          secrets.set(entry.put.arn, entry.put);
        }
        this.entries++;
      }
    }
    this.fd = openSync(this.journalPath, 'a');
    if (validBytes < (existsSync(this.journalPath) ? readFileSync(this.journalPath).length : 0)) {
      ftruncateSync(this.fd, validBytes);
      fsyncSync(this.fd);
    }
    this.syncDir();
    const state = [...secrets.values()];
    if (this.entries > 0) this.compact(state);
    return state;
  }

  private append(entry: JournalEntry): void {
    if (this.fd === undefined) throw new Error('journal is not open');
    const line = Buffer.from(frame(entry), 'utf8');
    let written = 0;
    while (written < line.length) written += writeSync(this.fd, line, written, line.length - written);
    fsyncSync(this.fd);
    this.entries++;
  }

  put(secret: SecretRecord, newValueIds: readonly string[], previous?: Readonly<SecretRecord>): void {
    if (previous) {
      this.append({ seq: ++this.seq, change: this.diff(previous, secret, newValueIds) });
      return;
    }
    const values: Record<string, StoredValue> = {};
    for (const id of newValueIds) {
      const v = secret.versions.find((x) => x.id === id);
      if (v && (v.string !== undefined || v.binary !== undefined)) {
        values[id] = v.string !== undefined ? { string: v.string } : { binary: v.binary };
      }
    }
    this.append({ seq: ++this.seq, put: withoutValues(secret), values });
  }

  /** What changed from `prev` to `next`: O(versions) to compute, but only the change is written. */
  private diff(prev: Readonly<SecretRecord>, next: SecretRecord, newValueIds: readonly string[]): { meta: SecretMeta; upsert: VersionRecord[]; drop: string[] } {
    const { versions, ...meta } = next;
    const before = new Map(prev.versions.map((v) => [v.id, v]));
    const fresh = new Set(newValueIds);
    const upsert: VersionRecord[] = [];
    for (const v of versions) {
      const p = before.get(v.id);
      before.delete(v.id);
      if (p && !fresh.has(v.id) && p.created === v.created && sameStages(p.stages, v.stages)) continue;
      const { string, binary, ...rest } = v;
      const entry: VersionRecord = { ...rest, stages: [...v.stages] };
      if (fresh.has(v.id) || !p) {
        if (string !== undefined) entry.string = string;
        if (binary !== undefined) entry.binary = binary;
      }
      upsert.push(entry);
    }
    return { meta, upsert, drop: [...before.keys()] };
  }

  remove(arn: string): void {
    this.append({ seq: ++this.seq, remove: arn });
  }

  maybeCompact(state: () => SecretRecord[]): void {
    if (this.entries >= this.compactEvery) this.compact(state());
  }

  /** Snapshot to a temp file, fsync, rename, fsync the directory, then empty the journal. */
  private compact(secrets: SecretRecord[]): void {
    const tmp = `${this.snapshotPath}.tmp`;
    const snap: Snapshot = { format: 'keyturn-emulator-snapshot/1', seq: this.seq, secrets };
    const fd = openSync(tmp, 'w');
    try {
      const data = Buffer.from(frame(snap), 'utf8');
      let written = 0;
      while (written < data.length) written += writeSync(fd, data, written, data.length - written);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.snapshotPath);
    this.syncDir();
    // Entries up to `seq` are in the snapshot; a crash before this truncation only leaves
    // entries that the next load skips by sequence number.
    if (this.fd !== undefined) {
      ftruncateSync(this.fd, 0);
      fsyncSync(this.fd);
    }
    this.entries = 0;
  }

  private syncDir(): void {
    try {
      const dfd = openSync(this.options.dir, 'r');
      try {
        fsyncSync(dfd);
      } finally {
        closeSync(dfd);
      }
    } catch {
      // Some file systems do not allow fsync on a directory; the rename is still atomic.
    }
  }

  close(state: () => SecretRecord[]): void {
    if (this.fd === undefined) return;
    if (this.entries > 0) this.compact(state());
    closeSync(this.fd);
    this.fd = undefined;
  }
}
