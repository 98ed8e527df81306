import Table from 'cli-table3';
import type { CliIo } from './cli-io.js';

/**
 * The masked form of a value: bullets and its length, never any of its characters.
 * @example mask('0123456789abcdef0123456789abcdef') // '••••••• (32 chars)'
 */
export function mask(value: string | Uint8Array): string {
  const n = typeof value === 'string' ? [...value].length : value.byteLength;
  const unit = typeof value === 'string' ? (n === 1 ? 'char' : 'chars') : n === 1 ? 'byte' : 'bytes';
  return `••••••• (${n} ${unit})`;
}

/** A borderless table for the terminal (no colours, so output stays greppable). */
export function renderTable(head: string[], rows: (string | number | undefined | null)[][]): string {
  const table = new Table({
    head,
    style: { head: [], border: [], compact: true, 'padding-left': 0, 'padding-right': 0 },
    chars: {
      top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
      bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
      // 'mid-mid' must be as wide as 'middle', or the rule drifts one character per column.
      left: '', 'left-mid': '', mid: '─', 'mid-mid': '  ', right: '', 'right-mid': '', middle: '  ',
    },
  });
  for (const row of rows) table.push(row.map((c) => (c === undefined || c === null ? '' : String(c))));
  return table.toString().split('\n').map((l) => l.trimEnd()).join('\n') + '\n';
}

/** Writes one JSON document (two-space indent) to stdout. */
export function printJson(io: CliIo, value: unknown): void {
  io.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

/** Writes a line to stdout. */
export function println(io: CliIo, line = ''): void {
  io.stdout.write(line + '\n');
}

/** ISO timestamp or empty. */
export function iso(d: Date | undefined | null): string | undefined {
  return d instanceof Date && !Number.isNaN(d.getTime()) ? d.toISOString() : undefined;
}

/**
 * A count with its noun in the singular or the plural.
 * @example plural(1, 'key') // '1 key'
 * @example plural(2, 'key') // '2 keys'
 */
export function plural(n: number, singular: string, pluralForm = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : pluralForm}`;
}
