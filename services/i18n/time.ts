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
      second: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(at)
      .map((part) => [part.type, part.value]),
  ) as Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', string>;

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

/** "2026-11-22T10:05:00+08:00": local time in the zone with its offset, for files others read by machine. */
export function localIso(at: Date, timeZone: string): string {
  const p = parts(at, timeZone);
  const wall = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second);
  const offset = Math.round((wall - Math.floor(at.getTime() / 1000) * 1000) / 60_000);
  const size = Math.abs(offset);
  const zone = `${offset < 0 ? '-' : '+'}${String(Math.floor(size / 60)).padStart(2, '0')}:${String(size % 60).padStart(2, '0')}`;
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}${zone}`;
}
