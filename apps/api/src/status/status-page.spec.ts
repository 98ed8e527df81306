import { formatAge, formatWhen, renderStatusPage } from './status-page';
import type { StatusSnapshot } from './status.service';
import { StatusTimeline } from './status-timeline';

const snapshot = (over: Partial<StatusSnapshot> = {}): StatusSnapshot => ({
  title: 'Secrets of <app>',
  generatedAt: '2026-01-01T01:00:00.000Z',
  database: { status: 'up', latencyMs: 1.2 },
  redis: { status: 'down', error: 'TimeoutError' },
  secrets: [
    {
      name: 'payments/dev/jwt/signing-key',
      state: 'fresh',
      source: 'aws',
      versionId: 'v-2',
      versionCreatedAt: '2026-01-01T00:58:55.000Z',
      fetchedAt: '2026-01-01T00:59:00.000Z',
      nextRefreshAt: '2026-01-01T01:04:00.000Z',
      stages: [
        { stage: 'AWSCURRENT', versionId: 'v-2' },
        { stage: 'AWSPREVIOUS', versionId: 'v-1' },
      ],
      rotationEnabled: true,
      lastRotatedAt: '2026-01-01T00:58:55.000Z',
      nextRotationAt: '2026-01-02T00:00:00.000Z',
    },
    { name: 'a/<script>', state: 'failed', lastErrorCode: 'AccessDeniedException', stages: [] },
  ],
  timeline: new StatusTimeline(10, () => Date.parse('2026-01-01T01:00:00.000Z')).series(),
  recent: [],
  ...over,
});

describe('renderStatusPage', () => {
  it('shows dependencies, stages, ages, rotations, next refresh and errors, escaping every field', () => {
    const html = renderStatusPage(snapshot());
    expect(html).toContain('<td class="name">payments/dev/jwt/signing-key</td>');
    expect(html).toContain('<div class="stage served"><b>AWSCURRENT</b> <code>v-2</code></div>');
    expect(html).toContain('<div class="stage"><b>AWSPREVIOUS</b> <code>v-1</code></div>');
    expect(html).toContain('<td class="version-age">1m 05s</td>');
    expect(html).toContain('<td class="age">1m 00s</td>');
    expect(html).toContain('<td class="last-rotation">1m 05s ago</td>');
    expect(html).toContain('<td class="next-rotation">in 23h 00m</td>');
    expect(html).toContain('<td class="next-refresh">in 4m 00s</td>');
    expect(html).toContain('id="dep-redis"><span class="dot"></span><b>Redis</b> <span class="dep-status">down</span> <small>TimeoutError</small>');
    expect(html).toContain('a/&lt;script&gt;');
    expect(html).not.toContain('a/<script>');
    expect(html).toContain('Secrets of &lt;app&gt;');
    expect(html).toContain('AccessDeniedException');
    expect(html).toContain('src="/status/assets/uPlot.iife.min.js"');
    // The embedded JSON cannot close the script element.
    expect(html).toContain('a/\\u003cscript>');
  });

  it('formats ages and relative times', () => {
    expect(formatAge(undefined)).toBe('-');
    expect(formatAge(12_400)).toBe('12s');
    expect(formatAge(3_720_000)).toBe('1h 02m');
    expect(formatAge(3 * 86_400_000)).toBe('3d 00h');
    expect(formatWhen(undefined, 0)).toBe('-');
    expect(formatWhen('1970-01-01T00:00:30.000Z', 0)).toBe('in 30s');
  });
});

describe('StatusTimeline', () => {
  it('keeps a bounded ring and counts refreshes, rotations, errors and stale periods per minute', () => {
    let now = Date.parse('2026-01-01T01:00:00.000Z');
    const t = new StatusTimeline(5, () => now);
    const at = (minAgo: number) => now - minAgo * 60_000;
    t.record({ type: 'refresh', secretId: 'a', versionId: 'v1', stage: 'AWSCURRENT', source: 'aws', outcome: 'unchanged', latencyMs: 3, at: new Date(at(50)) });
    t.record({ type: 'load', secretId: 'p', versionId: 'v9', stage: 'AWSPENDING', source: 'aws', outcome: 'success', latencyMs: 3, at: new Date(at(50)) });
    t.push({ at: at(30), kind: 'rotation', secretId: 'a', versionId: 'v2' });
    t.push({ at: at(20), kind: 'state', secretId: 'a', state: 'stale' });
    t.push({ at: at(19), kind: 'error', secretId: 'a', code: 'InternalServiceError' });
    t.push({ at: at(17), kind: 'state', secretId: 'a', state: 'fresh' });
    const s = t.series();
    expect(s.t.length).toBe(60);
    const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
    expect([sum(s.refreshes), sum(s.rotations), sum(s.errors)]).toEqual([1, 1, 1]);
    expect(sum(s.stale)).toBe(4);
    t.push({ at: at(1), kind: 'refresh', secretId: 'a' });
    expect(t.events().length).toBe(5);
    expect(t.events()[0].kind).toBe('rotation'); // the oldest entry was overwritten
    now += 3_600_000;
    expect(t.events()).toEqual([]);
  });
});
