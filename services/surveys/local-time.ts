import { AppError } from '../errors';

/** Wall-clock parts of an instant in a time zone (the schedules' BOT_TIMEZONE). */
export function localParts(
  at: Date,
  timeZone: string,
): { year: number; month: number; day: number; hour: number; minute: number; date: string } {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const get = (type: string) => Number(parts.find((part) => part.type === type)?.value ?? '0');
  const year = get('year');
  const month = get('month');
  const day = get('day');
  const pad = (n: number) => String(n).padStart(2, '0');
  return {
    year,
    month,
    day,
    hour: get('hour'),
    minute: get('minute'),
    date: `${year}-${pad(month)}-${pad(day)}`,
  };
}

/** The instant at which the wall clock of `timeZone` shows `date` (YYYY-MM-DD) `hour:minute`. */
export function zonedTime(date: string, hour: number, minute: number, timeZone: string): Date {
  const guess = new Date(`${date}T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00Z`);
  // Two passes settle the offset, also across a daylight-saving change.
  let at = guess;
  for (let pass = 0; pass < 2; pass++) {
    const shown = localParts(at, timeZone);
    const shownUtc = Date.UTC(shown.year, shown.month - 1, shown.day, shown.hour, shown.minute);
    at = new Date(at.getTime() - (shownUtc - guess.getTime()));
  }
  return at;
}

/** The local calendar day before `date` (YYYY-MM-DD). */
export function previousDay(date: string): string {
  const at = new Date(`${date}T12:00:00Z`);
  at.setUTCDate(at.getUTCDate() - 1);
  return at.toISOString().slice(0, 10);
}

/** `2026Q1` -> `2025Q4`. */
export function previousQuarter(quarter: string): string {
  const match = /^(\d{4})Q([1-4])$/.exec(quarter);
  if (!match)
    throw new AppError('quarter_invalid', `A quarter looks like 2026Q4, got ${JSON.stringify(quarter)}`);
  const year = Number(match[1]);
  const q = Number(match[2]);
  return q === 1 ? `${year - 1}Q4` : `${year}Q${q - 1}`;
}

export function isQuarter(value: unknown): value is string {
  return typeof value === 'string' && /^\d{4}Q[1-4]$/.test(value);
}

/** Quiet hours in minutes after local midnight; `start > end` wraps past midnight (21:00-08:00). */
export interface QuietHours {
  startMinute: number;
  endMinute: number;
}

/** Outreach stays quiet 21:00-08:00 local time unless configured otherwise (QUIET_HOURS). */
export const DEFAULT_QUIET_HOURS: QuietHours = { startMinute: 21 * 60, endMinute: 8 * 60 };

/** Parses `HH:MM-HH:MM`; '' or `off` means none. Returns the problem as a string when malformed. */
export function parseQuietHours(value: string | undefined): QuietHours | null | string {
  const text = (value ?? '').trim();
  if (text === '' || text.toLowerCase() === 'off') return null;
  const match = /^([01]?\d|2[0-3]):([0-5]\d)\s*-\s*([01]?\d|2[0-3]):([0-5]\d)$/.exec(text);
  if (!match) return 'must be HH:MM-HH:MM (e.g. 21:00-08:00) or off';
  const startMinute = Number(match[1]) * 60 + Number(match[2]);
  const endMinute = Number(match[3]) * 60 + Number(match[4]);
  if (startMinute === endMinute) return 'must not start and end at the same time';
  return { startMinute, endMinute };
}

/** Whether `at` falls in the quiet hours (local time of `timeZone`). */
export function isQuiet(at: Date, quiet: QuietHours | null, timeZone: string): boolean {
  if (!quiet) return false;
  const { hour, minute } = localParts(at, timeZone);
  const now = hour * 60 + minute;
  return quiet.startMinute < quiet.endMinute
    ? now >= quiet.startMinute && now < quiet.endMinute
    : now >= quiet.startMinute || now < quiet.endMinute;
}
