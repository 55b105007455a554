import cron from 'node-cron';
import { z } from 'zod';
import { parseQuietHours } from '../surveys/local-time';
import { DEFAULT_SLA_POLICY, parseSlaMinutes } from '../tickets/sla';
import { parseTemplateSpec } from '../wechat-official/template-render';
import { parseTrustedProxies } from './trusted-proxies';
import { parseWebChatLimits } from './web-chat-limits';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const optionalText = z
  .string()
  .transform((value) => value.trim())
  .optional()
  .transform((value) => (value === '' ? undefined : value));

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

const cronExpression = optionalText.refine((value) => value === undefined || cron.validate(value), {
  error: 'must be a cron expression (minute hour day month weekday), e.g. 0 8 * * *',
});

const wholeNumber = (min: number, max: number, unit?: string) =>
  optionalText.refine(
    (value) => value === undefined || (/^\d+$/.test(value) && Number(value) >= min && Number(value) <= max),
    { error: `must be a whole number ${unit ? `of ${unit} ` : ''}${min}-${max}` },
  );

const httpUrl = optionalText.refine((value) => value === undefined || isHttpUrl(value), {
  error: 'must be an http(s) URL',
});

/** Comma-separated Slack user ids (`U…` or `W…`). */
const slackUserIds = (example: string) =>
  optionalText.refine(
    (value) => value === undefined || value.split(',').every((id) => /^[UW][A-Z0-9]+$/.test(id.trim())),
    { error: `must be Slack user ids separated by commas, such as ${example}` },
  );

/** Text a parser checks, each problem it reports an issue of its own. */
const parsedBy = (problemsOf: (value: string | undefined) => string[]) =>
  optionalText.superRefine((value, context) => {
    for (const problem of problemsOf(value)) context.addIssue({ code: 'custom', message: problem });
  });

/** `kind=minutes` pairs; each bad pair is its own problem. */
const slaMinutes = parsedBy(
  (value) => parseSlaMinutes(value, DEFAULT_SLA_POLICY.acknowledgeMinutes).problems,
);

/** `TEMPLATE_ID` or `TEMPLATE_ID,thing1=title,...` (see template-render.ts). */
const templateSpec = parsedBy((value) => {
  const parsed = value === undefined ? undefined : parseTemplateSpec(value);
  return typeof parsed === 'string' ? [parsed] : [];
});

/** Every environment variable the process reads, each checked on its own. */
export const envSchema = z.object({
  PORT: z
    .string()
    .optional()
    .transform((value) => (value === undefined || value.trim() === '' ? '3000' : value.trim()))
    .refine((value) => /^\d+$/.test(value) && Number(value) >= 1 && Number(value) <= 65535, {
      error: 'must be an integer 1-65535',
    })
    .transform(Number),
  HOST: optionalText.refine((value) => value === undefined || /^[\w.:-]+$/.test(value), {
    error: 'must be a host name or IP address',
  }),
  LOG_LEVEL: optionalText.refine(
    (value) => value === undefined || (LOG_LEVELS as readonly string[]).includes(value),
    { error: `must be one of ${LOG_LEVELS.join(', ')}` },
  ),
  BOT_TIMEZONE: optionalText.refine((value) => value === undefined || isTimeZone(value), {
    error: 'must be an IANA time zone such as Asia/Shanghai',
  }),
  STAFF_LANGUAGE: optionalText.refine((value) => value === undefined || value === 'zh' || value === 'en', {
    error: 'must be zh or en',
  }),
  ADMIN_TOKEN: optionalText.refine((value) => value === undefined || value.length >= 16, {
    error: 'must be at least 16 characters',
  }),
  MONGODB_URI: optionalText.refine((value) => value === undefined || /^mongodb(\+srv)?:\/\/.+/.test(value), {
    error: 'must start with mongodb:// or mongodb+srv://',
  }),
  DATA_DIR: optionalText,
  ENGINE_CACHE_DIR: optionalText,
  TELEGRAM_BOT_TOKEN: optionalText.refine((value) => value === undefined || /^\d+:[\w-]{20,}$/.test(value), {
    error: 'must look like 123456:ABC... (the token @BotFather gave you)',
  }),
  TELEGRAM_API_ROOT: httpUrl,
  TELEGRAM_WEBHOOK_SECRET: optionalText.refine(
    (value) => value === undefined || /^[A-Za-z0-9_-]{1,256}$/.test(value),
    { error: 'must be 1-256 characters of A-Z, a-z, 0-9, _ and - (a Telegram rule)' },
  ),
  SLACK_BOT_TOKEN: optionalText.refine((value) => value === undefined || value.startsWith('xoxb-'), {
    error: 'must be a bot token starting with xoxb-',
  }),
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_API_URL: httpUrl,
  SLACK_ESCALATION_CHANNEL: optionalText.refine(
    (value) => value === undefined || /^[CG][A-Z0-9]+$/.test(value),
    {
      error: 'must be a channel id such as C0123456789 (not the #name)',
    },
  ),
  SLACK_STAFF_USER_IDS: slackUserIds('U012AB3CD,U045EF6GH'),
  SLACK_SUPERVISOR_USER_IDS: slackUserIds('U012AB3CD'),
  SLACK_ONCALL_GROUP: optionalText.refine((value) => value === undefined || /^S[A-Z0-9]+$/.test(value), {
    error: 'must be a user group id such as S0123ONCALL',
  }),
  SLACK_BOT_ID: optionalText,
  SLACK_BOT_USER_ID: optionalText,
  WECHATY_PUPPET: optionalText,
  WECHATY_PUPPET_SERVICE_TOKEN: optionalText,
  WECHAT_APP_ID: optionalText.refine((value) => value === undefined || /^wx[0-9a-f]{16}$/i.test(value), {
    error: 'must be the AppID from the Official Account admin console (wx followed by 16 hex digits)',
  }),
  WECHAT_APP_SECRET: optionalText.refine(
    (value) => value === undefined || /^[0-9A-Za-z]{16,64}$/.test(value),
    {
      error: 'must be the AppSecret from the Official Account admin console',
    },
  ),
  WECHAT_API_ROOT: httpUrl,
  WECHAT_TEMPLATE_SURVEY: templateSpec,
  WECHAT_TEMPLATE_RETURN_VISIT: templateSpec,
  WECHAT_TEMPLATE_NOTICE: templateSpec,
  PROPERTY_NAME: optionalText.refine((value) => value === undefined || value.length <= 60, {
    error: 'must be at most 60 characters',
  }),
  DUTY_PHONE: optionalText.refine((value) => value === undefined || /^[\d+\-\s()]{3,30}$/.test(value), {
    error: 'must be a phone number (digits, spaces, + - and parentheses)',
  }),
  FOLLOW_UP_WINDOW_MINUTES: wholeNumber(1, 1440, 'minutes'),
  SLA_ACK_MINUTES: slaMinutes,
  SLA_RESOLVE_MINUTES: slaMinutes,
  SURVEY_CRON: cronExpression,
  OUTREACH_CRON: cronExpression,
  SLA_CRON: cronExpression,
  DIGEST_CRON: cronExpression,
  QUIET_HOURS: parsedBy((value) => {
    const parsed = parseQuietHours(value);
    return typeof parsed === 'string' ? [parsed] : [];
  }),
  SURVEY_REMIND_DAYS: wholeNumber(1, 60, 'days'),
  SURVEY_EXPIRE_DAYS: wholeNumber(1, 90, 'days'),
  RETURN_VISIT_DELAY_HOURS: wholeNumber(0, 720, 'hours'),
  RETURN_VISIT_PHONE_AFTER_DAYS: wholeNumber(1, 60, 'days'),
  MESSAGE_RETENTION_DAYS: wholeNumber(1, 3650, 'days'),
  FLOOD_MESSAGES_PER_MINUTE: wholeNumber(1, 10000),
  HANDLING_LEASE_SECONDS: wholeNumber(2, 3600, 'seconds'),
  WEB_CHAT_LIMITS: parsedBy((value) => parseWebChatLimits(value).problems),
  TRUSTED_PROXIES: parsedBy((value) => parseTrustedProxies(value).problems),
  FLOOD_CHANNEL_MESSAGES_PER_MINUTE: wholeNumber(1, 1000000),
});

/** The environment after validation: trimmed, empty values as undefined. */
export type ParsedEnv = z.infer<typeof envSchema>;
