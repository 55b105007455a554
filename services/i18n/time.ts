import { localParts } from '../surveys/local-time';
import { staffTexts } from './staff';
import { localize, type Language } from './text';

const pad = (n: number) => String(n).padStart(2, '0');

/** "2026-11-22 14:05" in the given time zone (BOT_TIMEZONE): the one way staff and managers see a time. */
export function localDateTime(at: Date, timeZone: string): string {
  const p = localParts(at, timeZone);
  return `${p.date} ${pad(p.hour)}:${pad(p.minute)}`;
}

/** "14:05" when `at` falls on the same local day as `now`, else "11-23 14:05". */
export function localClock(at: Date, timeZone: string, now: Date): string {
  const p = localParts(at, timeZone);
  const clock = `${pad(p.hour)}:${pad(p.minute)}`;
  return p.date === localParts(now, timeZone).date ? clock : `${p.date.slice(5)} ${clock}`;
}

/** "2026-11-22T10:05:00+08:00": local time in the zone with its offset, for files others read by machine. */
export function localIso(at: Date, timeZone: string): string {
  const p = localParts(at, timeZone);
  // Zone offsets are whole minutes, so the seconds are the same everywhere.
  const seconds = at.getUTCSeconds();
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, seconds);
  const offset = Math.round((wall - Math.floor(at.getTime() / 1000) * 1000) / 60_000);
  const size = Math.abs(offset);
  const zone = `${offset < 0 ? '-' : '+'}${pad(Math.floor(size / 60))}:${pad(size % 60)}`;
  return `${p.date}T${pad(p.hour)}:${pad(p.minute)}:${pad(seconds)}${zone}`;
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
