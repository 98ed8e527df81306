import { Errors } from '../errors/service-error.js';
import type { RotationRules } from '../model/secret-record.js';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const EXPRESSION = /^[0-9A-Za-z()#?*\-/, ]+$/;

/** Checks a `rate()` or `cron()` expression (InvalidParameterException when malformed). */
export function validateScheduleExpression(expr: string): void {
  if (!EXPRESSION.test(expr)) throw Errors.invalidParameter('The ScheduleExpression is not valid.');
  const rate = /^rate\((\d+) (hour|hours|day|days)\)$/.exec(expr);
  if (rate) {
    const n = Number(rate[1]);
    const hours = rate[2]!.startsWith('hour') ? n : n * 24;
    if (n < 1 || hours < 4 || hours > 1000 * 24) throw Errors.invalidParameter('Rotations must be at least 4 hours apart and at most 1000 days apart.');
    return;
  }
  if (/^cron\(\S+ \S+ \S+ \S+ \S+ \S+\)$/.test(expr)) return;
  throw Errors.invalidParameter('The ScheduleExpression must be a rate() or cron() expression.');
}

/** Interval of a schedule in milliseconds, or undefined for `cron()` (not scheduled by the emulator). */
export function rotationInterval(rules: RotationRules): number | undefined {
  if (rules.AutomaticallyAfterDays !== undefined) return rules.AutomaticallyAfterDays * DAY_MS;
  const rate = rules.ScheduleExpression ? /^rate\((\d+) (hour|hours|day|days)\)$/.exec(rules.ScheduleExpression) : null;
  if (rate) return Number(rate[1]) * (rate[2]!.startsWith('hour') ? HOUR_MS : DAY_MS);
  return undefined;
}

/**
 * When the next rotation is due, counted from `from`. With a time scale, intervals shrink by
 * that factor (86400 makes a day last a second).
 */
export function nextRotationDate(rules: RotationRules, from: number, timeScale = 1): number | undefined {
  const interval = rotationInterval(rules);
  return interval === undefined ? undefined : from + interval / timeScale;
}
