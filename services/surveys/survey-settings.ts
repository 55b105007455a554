import { DEFAULT_QUIET_HOURS, type QuietHours } from './local-time';

export interface SurveySettings {
  /** Reminders go to owners who have not finished this long after the campaign started. */
  remindAfterMs: number;
  /** Unfinished responses expire this long after the start; answers given are kept. */
  expireAfterMs: number;
  /** No survey message (first question or reminder) is queued in these local hours. */
  quietHours: QuietHours | null;
  timeZone: string;
  /** Free text this long after the comment question was asked still counts as the comment. */
  commentWindowMs: number;
}

/** Three days to a reminder, two weeks to expiry, quiet 21:00-08:00 Shanghai time. */
export const DEFAULT_SURVEY_SETTINGS: SurveySettings = {
  remindAfterMs: 3 * 86_400_000,
  expireAfterMs: 14 * 86_400_000,
  quietHours: DEFAULT_QUIET_HOURS,
  timeZone: 'Asia/Shanghai',
  commentWindowMs: 2 * 86_400_000,
};
