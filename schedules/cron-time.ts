import cron from 'node-cron';
import { localParts, previousDay, zonedTime } from '../services/surveys/local-time';

/** Every bad cron expression, as `KEY must be a cron expression ...` lines (for ConfigError). */
export function cronProblems(expressions: Record<string, string>): string[] {
  return Object.entries(expressions).flatMap(([key, expression]) => {
    if (cron.validate(expression)) return [];
    const reasons = cron.validateDetailed(expression).errors.map((error) => error.message);
    return [
      `${key} must be a cron expression (minute hour day month weekday), got ${JSON.stringify(expression)}${reasons.length > 0 ? `: ${reasons.join('; ')}` : ''}`,
    ];
  });
}

/**
 * The latest time at or before `now` at which the expression fires in `timeZone`, looking
 * back at most `horizonDays`; undefined when it did not fire in that time. Catch-up after
 * downtime asks this: "when should the last run have happened?". Seconds are ignored.
 */
export function lastFireAtOrBefore(
  expression: string,
  now: Date,
  timeZone: string,
  horizonDays = 100,
): Date | undefined {
  const fields = cron.parse(expression);
  const months = new Set(fields.month.map(Number));
  const days = new Set(fields.dayOfMonth.map(Number));
  const weekdays = new Set(fields.dayOfWeek.map((d) => Number(d) % 7));
  const domRestricted = days.size < 31;
  const dowRestricted = weekdays.size < 7;
  const hours = [...fields.hour].map(Number).sort((a, b) => b - a);
  const minutes = [...fields.minute].map(Number).sort((a, b) => b - a);
  const today = localParts(now, timeZone);
  let date = today.date;
  for (let back = 0; back <= horizonDays; back++, date = previousDay(date)) {
    const [year, month, day] = date.split('-').map(Number) as [number, number, number];
    if (!months.has(month)) continue;
    const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
    // Classic cron: when both day fields are restricted, either may match.
    const dayMatches =
      domRestricted && dowRestricted
        ? days.has(day) || weekdays.has(weekday)
        : (!domRestricted || days.has(day)) && (!dowRestricted || weekdays.has(weekday));
    if (!dayMatches) continue;
    for (const hour of hours) {
      for (const minute of minutes) {
        if (back === 0 && hour * 60 + minute > today.hour * 60 + today.minute) continue;
        return zonedTime(date, hour, minute, timeZone);
      }
    }
  }
  return undefined;
}
