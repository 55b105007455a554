import type { Language } from './text';
import { localize } from './text';
import { staffTexts } from './staff';

const parts = (at: Date, timeZone: string) =>
  Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(at)
      .map((part) => [part.type, part.value]),
  ) as Record<string, string>;

/** "2026-11-22 14:05" in the given time zone (BOT_TIMEZONE): the one way staff and managers see a time. */
export function localDateTime(at: Date, timeZone: string): string {
  const p = parts(at, timeZone);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** "14:05" when `at` falls on the same local day as `now`, else "11-23 14:05". */
export function localClock(at: Date, timeZone: string, now: Date): string {
  const p = parts(at, timeZone);
  const today = parts(now, timeZone);
  const sameDay = p.year === today.year && p.month === today.month && p.day === today.day;
  return sameDay ? `${p.hour}:${p.minute}` : `${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** "1 minute", "25 minutes", "2 hours" (zh "1 分钟"...), rounded up to whole minutes. */
export function spanText(milliseconds: number, language: Language): string {
  const minutes = Math.max(1, Math.ceil(milliseconds / 60_000));
  if (minutes < 90) {
    return minutes === 1
      ? localize(staffTexts.oneMinute, language)
      : localize(staffTexts.minutes, language, { count: minutes });
  }
  const hours = Math.round(minutes / 60);
  return hours === 1
    ? localize(staffTexts.oneHour, language)
    : localize(staffTexts.hours, language, { count: hours });
}
