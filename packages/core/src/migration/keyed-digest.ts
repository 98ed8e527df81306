import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SecretValue } from '../values/secret-value.js';

/** The key path that stands for a whole value (a secret that is not a JSON object or array). */
export const WHOLE_VALUE = '';

/** How one key path differs between the old and the new source. */
export interface KeyMismatch {
  /** JSON key path (`db.password`, `hosts[1]`), or `''` for the whole value of a non-JSON secret. */
  path: string;
  /** `different`: both have it, with other values; `missing-in-new` / `missing-in-old`: only one side has it. */
  kind: 'different' | 'missing-in-new' | 'missing-in-old';
}

/**
 * Digests of every leaf of a secret under a key that never leaves this object (32 random bytes,
 * drawn once per instance, so per process): two values can be compared, and a digest kept in
 * memory or printed by mistake tells nothing about the value. Values themselves are never kept.
 */
export class KeyedDigest {
  #key?: Buffer;

  /** Key path → HMAC-SHA256 of the leaf (its JSON text, so `5432` and `"5432"` differ). */
  leaves(value: SecretValue): Map<string, Buffer> {
    const out = new Map<string, Buffer>();
    if (value.kind === 'binary') {
      out.set(WHOLE_VALUE, this.#mac('b', value.reveal() as Uint8Array));
      return out;
    }
    const text = value.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (parsed === null || typeof parsed !== 'object') {
      out.set(WHOLE_VALUE, this.#mac('s', Buffer.from(text, 'utf8')));
      return out;
    }
    this.#walk(parsed, '', out);
    return out;
  }

  #walk(node: unknown, path: string, out: Map<string, Buffer>): void {
    if (Array.isArray(node)) {
      if (node.length === 0) out.set(path, this.#mac('j', Buffer.from('[]')));
      node.forEach((v, i) => this.#walk(v, `${path}[${i}]`, out));
      return;
    }
    if (node !== null && typeof node === 'object') {
      const keys = Object.keys(node);
      if (keys.length === 0 && path !== '') out.set(path, this.#mac('j', Buffer.from('{}')));
      for (const k of keys) this.#walk((node as Record<string, unknown>)[k], path ? `${path}.${k}` : k, out);
      return;
    }
    out.set(path, this.#mac('j', Buffer.from(JSON.stringify(node), 'utf8')));
  }

  #mac(kind: string, data: Uint8Array): Buffer {
    this.#key ??= randomBytes(32);
    return createHmac('sha256', this.#key).update(kind).update('\0').update(data).digest();
  }

  /** The key paths that differ between two values, sorted (never the values or their digests). */
  compare(oldValue: SecretValue, newValue: SecretValue): KeyMismatch[] {
    const a = this.leaves(oldValue);
    const b = this.leaves(newValue);
    const out: KeyMismatch[] = [];
    for (const [path, da] of a) {
      const db = b.get(path);
      if (!db) out.push({ path, kind: 'missing-in-new' });
      else if (!timingSafeEqual(da, db)) out.push({ path, kind: 'different' });
    }
    for (const path of b.keys()) if (!a.has(path)) out.push({ path, kind: 'missing-in-old' });
    return out.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
  }

  toString(): string {
    return 'KeyedDigest';
  }

  toJSON(): string {
    return 'KeyedDigest';
  }
}
