import { CronExpressionParser } from 'cron-parser';
import { Errors } from '../errors/service-error.js';
import type { RotationRules } from '../model/secret-record.js';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const EXPRESSION = /^[0-9A-Za-z()#?*\-/, ]+$/;
const RATE = /^rate\((\d+) (hour|hours|day|days)\)$/;
const CRON = /^cron\((\S+) (\S+) (\S+) (\S+) (\S+) (\S+)\)$/;

/** AWS numbers days of the week 1-7 from Sunday; the parser 0-6. Step values stay as they are. */
function dayOfWeekField(field: string): string {
  return field
    .split(',')
    .map((part) => {
      const [range, step] = part.split('/');
      const mapped = range!.replace(/^(\d+)|(?<=-)(\d+)/g, (n) => String(Number(n) - 1));
      return step === undefined ? mapped : `${mapped}/${step}`;
    })
    .join(',');
}

/** The years an AWS cron year field allows (`*`, `2027`, `2027-2030`, `2027,2029`). */
function yearMatcher(field: string): (year: number) => boolean {
  if (field === '*' || field === '?') return () => true;
  const parts = field.split(',').map((p) => {
    const [a, b] = p.split('-').map(Number);
    if (!Number.isInteger(a) || (b !== undefined && !Number.isInteger(b))) throw Errors.invalidParameter('The ScheduleExpression has an invalid year field.');
    return [a!, b ?? a!] as const;
  });
  return (y) => parts.some(([a, b]) => y >= a && y <= b);
}

/** A parsed `cron(min hour day-of-month month day-of-week year)` expression (UTC). */
function parseCron(expr: string) {
  const m = CRON.exec(expr);
  if (!m) return undefined;
  const [, min, hour, dom, month, dow, year] = m;
  let parsed;
  try {
    parsed = CronExpressionParser.parse(`0 ${min} ${hour} ${dom} ${month} ${dayOfWeekField(dow!)}`, { tz: 'UTC', currentDate: new Date(0) });
  } catch (e) {
    throw Errors.invalidParameter(`The ScheduleExpression is not a valid cron() expression: ${(e as Error).message}`);
  }
  return { source: `0 ${min} ${hour} ${dom} ${month} ${dayOfWeekField(dow!)}`, year: yearMatcher(year!), hourly: hour === '*' || hour!.includes('/') || hour!.includes(','), parsed };
}

/** Checks a `rate()` or `cron()` expression (InvalidParameterException when malformed). */
export function validateScheduleExpression(expr: string): void {
  if (!EXPRESSION.test(expr)) throw Errors.invalidParameter('The ScheduleExpression is not valid.');
  const rate = RATE.exec(expr);
  if (rate) {
    const n = Number(rate[1]);
    const hours = rate[2]!.startsWith('hour') ? n : n * 24;
    if (n < 1 || hours < 4 || hours > 1000 * 24) throw Errors.invalidParameter('Rotations must be at least 4 hours apart and at most 1000 days apart.');
    return;
  }
  if (parseCron(expr)) return;
  throw Errors.invalidParameter('The ScheduleExpression must be a rate() or cron() expression.');
}

/** Interval of a schedule in milliseconds, or undefined for `cron()` (see {@link nextRotationDate}). */
export function rotationInterval(rules: RotationRules): number | undefined {
  if (rules.AutomaticallyAfterDays !== undefined) return rules.AutomaticallyAfterDays * DAY_MS;
  const rate = rules.ScheduleExpression ? RATE.exec(rules.ScheduleExpression) : null;
  if (rate) return Number(rate[1]) * (rate[2]!.startsWith('hour') ? HOUR_MS : DAY_MS);
  return undefined;
}

/**
 * Length of the rotation window in (unscaled) milliseconds: `Duration` when given; otherwise
 * an hour for an hourly cron schedule and a day for the others.
 */
export function rotationWindowMs(rules: RotationRules): number {
  if (rules.Duration !== undefined) return Number(rules.Duration.slice(0, -1)) * HOUR_MS;
  const cron = rules.ScheduleExpression ? parseCron(rules.ScheduleExpression) : undefined;
  return cron?.hourly ? HOUR_MS : DAY_MS;
}

/**
 * When the next rotation window opens, counted from `from`. With a time scale the clock runs
 * that many times faster from `from` on (86400 makes a day last a second): intervals shrink by
 * that factor, and a `cron()` expression is evaluated on the sped-up clock.
 */
export function nextRotationDate(rules: RotationRules, from: number, timeScale = 1): number | undefined {
  const interval = rotationInterval(rules);
  if (interval !== undefined) return from + interval / timeScale;
  const cron = rules.ScheduleExpression ? parseCron(rules.ScheduleExpression) : undefined;
  if (!cron) return undefined;
  const it = CronExpressionParser.parse(cron.source, { tz: 'UTC', currentDate: new Date(from) });
  for (let i = 0; i < 10_000; i++) {
    const next = it.next().getTime();
    if (cron.year(new Date(next).getUTCFullYear())) return from + (next - from) / timeScale;
  }
  return undefined;
}
