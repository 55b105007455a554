import { ChannelError } from '../errors';
import { WechatApiError } from './api';

/** What an Official Account errcode means for a send. */
export type ErrcodeMeaning =
  /** The access token was refused: refresh it once and try again. */
  | 'token'
  /** The owner unsubscribed or refused our messages. */
  | 'unreachable'
  /**
   * Not a user of this account: with the Official Account puppet this cannot happen, so it
   * means a puppet serving another account. Not retried, but the owner is not marked.
   */
  | 'foreign_openid'
  /** Outside the 48-hour customer-service window: only a template may go. */
  | 'out_of_window'
  /** The template id or its fields do not match the account's template: an operator must fix it. */
  | 'template'
  /** A quota or frequency limit: wait, count, try later. */
  | 'throttled'
  /** Credentials or the server's IP are refused: an operator must fix the configuration. */
  | 'setup'
  /** Worth another try later (system busy, unknown codes). */
  | 'retry';

interface Errcode {
  meaning: ErrcodeMeaning;
  code: string;
  /** For the dead-letter reason: what happened and what an operator can do. */
  explain: string;
}

const ERRCODES: Record<number, Errcode> = {
  [-1]: { meaning: 'retry', code: 'wechat_busy', explain: 'WeChat is busy; retried' },
  40001: { meaning: 'token', code: 'wechat_token_invalid', explain: 'access token refused' },
  40014: { meaning: 'token', code: 'wechat_token_invalid', explain: 'access token not valid' },
  42001: { meaning: 'token', code: 'wechat_token_expired', explain: 'access token expired' },
  43004: {
    meaning: 'unreachable',
    code: 'wechat_unsubscribed',
    explain: 'the owner no longer follows the Official Account',
  },
  43101: {
    meaning: 'unreachable',
    code: 'wechat_refused',
    explain: 'the owner turned off messages from the Official Account',
  },
  40003: {
    meaning: 'foreign_openid',
    code: 'wechat_openid_invalid',
    explain: 'this openid is not a user of this Official Account (WECHAT_APP_ID)',
  },
  45015: {
    meaning: 'out_of_window',
    code: 'wechat_template_required',
    explain: 'the owner has not written for over 48 hours',
  },
  45047: {
    meaning: 'out_of_window',
    code: 'wechat_template_required',
    explain: 'too many messages since the owner last wrote',
  },
  40037: {
    meaning: 'template',
    code: 'wechat_template_invalid',
    explain:
      "the template id is not one of this account's templates: add it in the admin console and set its id",
  },
  47003: {
    meaning: 'template',
    code: 'wechat_template_fields_invalid',
    explain: "the template's fields do not match the field mapping (see docs/channels.md)",
  },
  45009: {
    meaning: 'throttled',
    code: 'wechat_quota_reached',
    explain: "the day's API quota is used up; sends wait for midnight (Beijing time)",
  },
  45011: {
    meaning: 'throttled',
    code: 'wechat_rate_limited',
    explain: 'API calls too frequent; sends wait a minute',
  },
  40013: { meaning: 'setup', code: 'wechat_appid_invalid', explain: 'WECHAT_APP_ID is not valid' },
  40125: { meaning: 'setup', code: 'wechat_secret_invalid', explain: 'WECHAT_APP_SECRET is not valid' },
  40164: {
    meaning: 'setup',
    code: 'wechat_ip_not_allowed',
    explain: "this server's IP address is not in the Official Account's IP allow-list",
  },
};

/** What an errcode means; unknown codes are retried (and dead-lettered after the outbox's attempts). */
export function errcodeMeaning(errcode: number): Errcode {
  return (
    ERRCODES[errcode] ?? { meaning: 'retry', code: `wechat_error_${errcode}`, explain: 'unexpected errcode' }
  );
}

/** Milliseconds until the next midnight in Beijing (UTC+8, no daylight saving): when daily quotas reset. */
export function msUntilQuotaReset(now: Date): number {
  const beijingDayMs = 24 * 3_600_000;
  const shifted = now.getTime() + 8 * 3_600_000;
  return beijingDayMs - (shifted % beijingDayMs);
}

/**
 * The outbox's view of an API refusal (see send-failure.ts): unreachable owners and bad
 * templates are permanent (dead letter, no retries), quotas wait without pausing the
 * channel's other sends, setup problems and unknown codes are retried with backoff.
 */
export function toChannelError(error: WechatApiError, now: Date, context = ''): ChannelError {
  const known = errcodeMeaning(error.errcode);
  const message = `${known.explain}${context ? ` (${context})` : ''}; WeChat said ${error.errcode}: ${error.errmsg}`;
  switch (known.meaning) {
    case 'unreachable':
      return new ChannelError(known.code, message, { kind: 'rejected', status: 403, cause: error });
    case 'foreign_openid':
      return new ChannelError(known.code, message, { kind: 'rejected', status: 404, cause: error });
    case 'template':
    case 'out_of_window':
      return new ChannelError(known.code, message, { kind: 'rejected', status: 400, cause: error });
    case 'throttled': {
      const waitMs = error.errcode === 45009 ? msUntilQuotaReset(now) : 60_000;
      return new ChannelError(known.code, message, {
        kind: 'rejected',
        status: 429,
        retryAfterSeconds: Math.ceil(waitMs / 1000),
        pausesChannel: false,
        cause: error,
      });
    }
    default:
      return new ChannelError(known.code, message, { kind: 'network', cause: error });
  }
}
