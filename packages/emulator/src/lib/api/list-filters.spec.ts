import { ServiceError } from '../errors/service-error.js';
import type { SecretRecord } from '../model/secret-record.js';
import { decodeToken, encodeToken, matchesFilters } from './list-filters.js';

const s = (name: string, description?: string, tags: Record<string, string> = {}): SecretRecord => ({
  arn: `arn:${name}`,
  name,
  description,
  tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
  created: 0,
  lastChanged: 0,
  versions: [],
});

describe('list filters', () => {
  const db = s('prod/PaymentsDb', 'Primary payments database', { env: 'prod' });
  const match = (key: string, ...values: string[]) => matchesFilters(db, [{ key, values }], 'us-east-1');

  it('name is a case-sensitive prefix; ! negates', () => {
    expect(match('name', 'prod/')).toBe(true);
    expect(match('name', 'Prod/')).toBe(false);
    expect(match('name', '!prod/')).toBe(false);
    expect(match('name', '!dev/')).toBe(true);
    expect(match('name', 'dev/', 'prod/')).toBe(true);
  });

  it('description and all match word prefixes ignoring case', () => {
    expect(match('description', 'PAYMENTS')).toBe(true);
    expect(match('description', 'datab')).toBe(true);
    expect(match('description', 'ayments')).toBe(false);
    expect(match('all', 'payments db')).toBe(true);
    expect(match('all', 'prod')).toBe(true);
    expect(match('all', 'staging')).toBe(false);
  });

  it('tag keys and values', () => {
    expect(match('tag-key', 'en')).toBe(true);
    expect(match('tag-value', 'prod')).toBe(true);
    expect(match('tag-key', '!env')).toBe(false);
  });

  it('pagination tokens round-trip; foreign ones are InvalidNextTokenException', () => {
    expect(decodeToken(encodeToken(42))).toBe(42);
    expect(decodeToken(undefined)).toBe(0);
    expect(() => decodeToken('1')).toThrow(ServiceError);
  });
});
