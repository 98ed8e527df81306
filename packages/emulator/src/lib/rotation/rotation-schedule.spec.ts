import { nextRotationDate, rotationWindowMs, validateScheduleExpression } from './rotation-schedule.js';

const at = (iso: string) => Date.parse(iso);

describe('rotation schedules', () => {
  it('cron(): the next occurrence in UTC, with AWS day-of-week numbering (1 = Sunday)', () => {
    const from = at('2026-01-01T00:00:00Z'); // a Thursday
    expect(new Date(nextRotationDate({ ScheduleExpression: 'cron(0 10 * * ? *)' }, from)!).toISOString()).toBe('2026-01-01T10:00:00.000Z');
    expect(new Date(nextRotationDate({ ScheduleExpression: 'cron(0 16 ? * 2 *)' }, from)!).toISOString()).toBe('2026-01-05T16:00:00.000Z'); // Monday
    expect(new Date(nextRotationDate({ ScheduleExpression: 'cron(0 8 ? * MON-FRI *)' }, at('2026-01-03T00:00:00Z'))!).toISOString()).toBe('2026-01-05T08:00:00.000Z');
    expect(new Date(nextRotationDate({ ScheduleExpression: 'cron(0 0 L * ? *)' }, from)!).toISOString()).toBe('2026-01-31T00:00:00.000Z');
    expect(new Date(nextRotationDate({ ScheduleExpression: 'cron(0 0 1 1 ? 2028)' }, from)!).toISOString()).toBe('2028-01-01T00:00:00.000Z');
  });

  it('cron() on a sped-up clock: the distance to the next occurrence shrinks by the scale', () => {
    const from = at('2026-01-01T00:00:00Z');
    expect(nextRotationDate({ ScheduleExpression: 'cron(0 12 * * ? *)' }, from, 3600)).toBe(from + (12 * 3_600_000) / 3600);
  });

  it('rate() and AutomaticallyAfterDays', () => {
    expect(nextRotationDate({ ScheduleExpression: 'rate(10 days)' }, 0)).toBe(10 * 86_400_000);
    expect(nextRotationDate({ AutomaticallyAfterDays: 2 }, 0, 86_400)).toBe(2000);
  });

  it('refuses malformed cron() expressions', () => {
    expect(() => validateScheduleExpression('cron(0 99 * * ? *)')).toThrow(/cron/);
    expect(() => validateScheduleExpression('cron(0 10 * * ?)')).toThrow();
    expect(() => validateScheduleExpression('cron(0 10 * * ? *)')).not.toThrow();
  });

  it('the rotation window: Duration, else an hour for hourly schedules and a day otherwise', () => {
    expect(rotationWindowMs({ ScheduleExpression: 'cron(0 10 * * ? *)', Duration: '3h' })).toBe(3 * 3_600_000);
    expect(rotationWindowMs({ ScheduleExpression: 'cron(0 */4 * * ? *)' })).toBe(3_600_000);
    expect(rotationWindowMs({ ScheduleExpression: 'rate(1 day)' })).toBe(86_400_000);
  });
});
