import { formatAge, renderStatusPage } from './status-page';

describe('renderStatusPage', () => {
  it('lists each secret with version, age, source and state, escaping every field', () => {
    const html = renderStatusPage('Secrets of <app>', [
      { name: 'payments/dev/jwt/signing-key', versionId: 'v-1', ageMs: 65_000, source: 'aws', state: 'fresh' },
      { name: 'a/<script>', state: 'failed', lastErrorCode: 'AccessDenied' },
    ], new Date('2026-01-01T00:00:00Z'));
    expect(html).toContain('<td class="name">payments/dev/jwt/signing-key</td>');
    expect(html).toContain('<code>v-1</code>');
    expect(html).toContain('<td class="age">1m 05s</td>');
    expect(html).toContain('a/&lt;script&gt;');
    expect(html).not.toContain('a/<script>');
    expect(html).toContain('Secrets of &lt;app&gt;');
    expect(html).toContain('AccessDenied');
  });

  it('formats ages', () => {
    expect(formatAge(undefined)).toBe('-');
    expect(formatAge(12_400)).toBe('12s');
    expect(formatAge(3_720_000)).toBe('1h 02m');
  });
});
