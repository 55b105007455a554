import path from 'node:path';
import cron from 'node-cron';
import { z } from 'zod';
import { parseQuietHours, type QuietHours } from '../surveys/local-time';
import { ConfigError } from '../errors';
import { DEFAULT_SLA_POLICY, parseSlaMinutes, type SlaPolicy } from '../tickets/sla';
import { WECHAT_API_ROOT } from '../wechat-official/api';
import { parseTemplateSpec, type TemplateKind, type TemplateSpec } from '../wechat-official/template-render';
import { parseTrustedProxies } from './trusted-proxies';
import { parseWebChatLimits, type WebChatLimits } from './web-chat-limits';

/** Why each owner channel is on or off, for the start-up log. */
export interface ChannelStatus {
  channel: 'web' | 'telegram' | 'wechat' | 'slack';
  enabled: boolean;
  reason: string;
}

/** Everything the process needs, validated; built once by `loadConfig` in the composition root. */
export interface Config {
  port: number;
  host: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  timezone: string;
  /** What staff and managers read (escalations, SLA warnings, digest, desk, dashboard): zh or en. */
  staffLanguage: 'zh' | 'en';
  adminToken: string | undefined;
  database: {
    /** Unset: start the embedded engine with data in `dataDir`. */
    uri: string | undefined;
    dataDir: string;
    /** Where the embedded engine binary is built and kept (git-ignored). */
    cacheDir: string;
  };
  telegram: { token: string; apiRoot: string; webhookSecret: string | undefined } | undefined;
  slack:
    | {
        botToken: string;
        signingSecret: string;
        apiUrl: string;
        escalationChannel: string | undefined;
        /** Who may act on cases from Slack; empty = members of the escalation channel. */
        staffUserIds: string[];
        /** Staff who may act on any case, whoever owns it. */
        supervisorUserIds: string[];
        /** User group mentioned on emergencies (`S…`), if any. */
        onCallGroup: string | undefined;
        botId: string | undefined;
        botUserId: string | undefined;
      }
    | undefined;
  wechat: { puppet: string; puppetToken: string | undefined } | undefined;
  /** The Official Account API (customer-service and template messages); needs `wechat`. */
  wechatOfficial:
    | {
        appId: string;
        appSecret: string;
        apiRoot: string;
        /** Template per kind of outreach; a kind without one cannot reach owners outside 48 hours. */
        templates: Partial<Record<TemplateKind, TemplateSpec>>;
      }
    | undefined;
  channels: ChannelStatus[];
  conversation: {
    /** How the bot names the property in greetings; unset = "the property service centre". */
    propertyName: string | undefined;
    /** The property's 24-hour duty line, given with emergency replies; '' when unset. */
    dutyPhone: string;
    /** Follow-ups within this time of the owner's last message attach to their open case. */
    followUpWindowMs: number;
  };
  sla: SlaPolicy;
  /** Scheduled outreach (docs/outreach.md): surveys, return visits, SLA watch, digest. */
  outreach: {
    surveyCron: string;
    /** Survey resume/reminders/expiry, return visits, announcements: every few minutes. */
    upkeepCron: string;
    slaCron: string;
    digestCron: string;
    quietHours: QuietHours | null;
    surveyRemindMs: number;
    surveyExpireMs: number;
    returnVisitDelayMs: number;
    returnVisitPhoneAfterMs: number;
  };
  /** Message texts older than this many days are erased by the retention purge; undefined = kept. */
  messageRetentionDays: number | undefined;
  /** Messages one sender may send per minute before the flood guard holds the rest back. */
  floodMessagesPerMinute: number;
  /** Messages per minute on one channel above which each sender's allowance drops to 3 a minute. */
  floodChannelMessagesPerMinute: number;
  /** How long a message or outbox entry taken by an instance stays its own; after a crash another instance takes over after this. */
  handlingLeaseMs: number;
  /** Limits on the anonymous web chat; null = off. */
  webChatLimits: WebChatLimits | null;
  /** Proxies (addresses, CIDRs) whose X-Forwarded-For names the client; empty = the socket's address. */
  trustedProxies: string[];
}

const DAY_MS = 86_400_000;
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

/** `kind=minutes` pairs; each bad pair is its own problem. */
const slaMinutes = optionalText.superRefine((value, context) => {
  for (const problem of parseSlaMinutes(value, DEFAULT_SLA_POLICY.acknowledgeMinutes).problems) {
    context.addIssue({ code: 'custom', message: problem });
  }
});

/** `TEMPLATE_ID` or `TEMPLATE_ID,thing1=title,...` (see template-render.ts). */
const templateSpec = optionalText.superRefine((value, context) => {
  if (value === undefined) return;
  const parsed = parseTemplateSpec(value);
  if (typeof parsed === 'string') context.addIssue({ code: 'custom', message: parsed });
});

const cronExpression = optionalText.refine((value) => value === undefined || cron.validate(value), {
  error: 'must be a cron expression (minute hour day month weekday), e.g. 0 8 * * *',
});

const wholeNumber = (min: number, max: number, unit: string) =>
  optionalText.refine(
    (value) => value === undefined || (/^\d+$/.test(value) && Number(value) >= min && Number(value) <= max),
    { error: `must be a whole number of ${unit} ${min}-${max}` },
  );

const envSchema = z.object({
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
  TELEGRAM_API_ROOT: optionalText.refine((value) => value === undefined || isHttpUrl(value), {
    error: 'must be an http(s) URL',
  }),
  TELEGRAM_WEBHOOK_SECRET: optionalText.refine(
    (value) => value === undefined || /^[A-Za-z0-9_-]{1,256}$/.test(value),
    { error: 'must be 1-256 characters of A-Z, a-z, 0-9, _ and - (a Telegram rule)' },
  ),
  SLACK_BOT_TOKEN: optionalText.refine((value) => value === undefined || value.startsWith('xoxb-'), {
    error: 'must be a bot token starting with xoxb-',
  }),
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_API_URL: optionalText.refine((value) => value === undefined || isHttpUrl(value), {
    error: 'must be an http(s) URL',
  }),
  SLACK_ESCALATION_CHANNEL: optionalText.refine(
    (value) => value === undefined || /^[CG][A-Z0-9]+$/.test(value),
    {
      error: 'must be a channel id such as C0123456789 (not the #name)',
    },
  ),
  SLACK_STAFF_USER_IDS: optionalText.refine(
    (value) => value === undefined || value.split(',').every((id) => /^[UW][A-Z0-9]+$/.test(id.trim())),
    { error: 'must be Slack user ids separated by commas, such as U012AB3CD,U045EF6GH' },
  ),
  SLACK_SUPERVISOR_USER_IDS: optionalText.refine(
    (value) => value === undefined || value.split(',').every((id) => /^[UW][A-Z0-9]+$/.test(id.trim())),
    { error: 'must be Slack user ids separated by commas, such as U012AB3CD' },
  ),
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
  WECHAT_API_ROOT: optionalText.refine((value) => value === undefined || isHttpUrl(value), {
    error: 'must be an http(s) URL',
  }),
  WECHAT_TEMPLATE_SURVEY: templateSpec,
  WECHAT_TEMPLATE_RETURN_VISIT: templateSpec,
  WECHAT_TEMPLATE_NOTICE: templateSpec,
  PROPERTY_NAME: optionalText.refine((value) => value === undefined || value.length <= 60, {
    error: 'must be at most 60 characters',
  }),
  DUTY_PHONE: optionalText.refine((value) => value === undefined || /^[\d+\-\s()]{3,30}$/.test(value), {
    error: 'must be a phone number (digits, spaces, + - and parentheses)',
  }),
  FOLLOW_UP_WINDOW_MINUTES: optionalText.refine(
    (value) => value === undefined || (/^\d+$/.test(value) && Number(value) >= 1 && Number(value) <= 1440),
    { error: 'must be a whole number of minutes 1-1440' },
  ),
  SLA_ACK_MINUTES: slaMinutes,
  SLA_RESOLVE_MINUTES: slaMinutes,
  SURVEY_CRON: cronExpression,
  OUTREACH_CRON: cronExpression,
  SLA_CRON: cronExpression,
  DIGEST_CRON: cronExpression,
  QUIET_HOURS: optionalText.superRefine((value, context) => {
    const parsed = parseQuietHours(value);
    if (typeof parsed === 'string') context.addIssue({ code: 'custom', message: parsed });
  }),
  SURVEY_REMIND_DAYS: wholeNumber(1, 60, 'days'),
  SURVEY_EXPIRE_DAYS: wholeNumber(1, 90, 'days'),
  RETURN_VISIT_DELAY_HOURS: wholeNumber(0, 720, 'hours'),
  RETURN_VISIT_PHONE_AFTER_DAYS: wholeNumber(1, 60, 'days'),
  MESSAGE_RETENTION_DAYS: optionalText.refine(
    (value) => value === undefined || (/^\d+$/.test(value) && Number(value) >= 1 && Number(value) <= 3650),
    { error: 'must be a whole number of days 1-3650' },
  ),
  FLOOD_MESSAGES_PER_MINUTE: optionalText.refine(
    (value) => value === undefined || (/^\d+$/.test(value) && Number(value) >= 1 && Number(value) <= 10000),
    { error: 'must be a whole number 1-10000' },
  ),
  HANDLING_LEASE_SECONDS: optionalText.refine(
    (value) => value === undefined || (/^\d+$/.test(value) && Number(value) >= 2 && Number(value) <= 3600),
    { error: 'must be a whole number of seconds 2-3600' },
  ),
  WEB_CHAT_LIMITS: optionalText.superRefine((value, context) => {
    for (const problem of parseWebChatLimits(value).problems)
      context.addIssue({ code: 'custom', message: problem });
  }),
  TRUSTED_PROXIES: optionalText.superRefine((value, context) => {
    for (const problem of parseTrustedProxies(value).problems)
      context.addIssue({ code: 'custom', message: problem });
  }),
  FLOOD_CHANNEL_MESSAGES_PER_MINUTE: optionalText.refine(
    (value) => value === undefined || (/^\d+$/.test(value) && Number(value) >= 1 && Number(value) <= 1000000),
    { error: 'must be a whole number 1-1000000' },
  ),
});

type ParsedEnv = z.infer<typeof envSchema>;

/**
 * Validates the environment and returns the typed configuration.
 * Throws one `ConfigError` naming every bad key with its reason and the offending value
 * (secrets are never echoed back).
 */
export function loadConfig(env: Record<string, string | undefined>, cwd: string = process.cwd()): Config {
  const result = envSchema.safeParse(env, { reportInput: true });
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? '?');
      const shown = /TOKEN|SECRET/.test(key) ? 'the given value' : JSON.stringify(issue.input);
      return `${key} ${issue.message}, got ${shown}`;
    });
    throw new ConfigError(problems);
  }
  const parsed = result.data;
  const problems = crossFieldProblems(parsed);
  if (problems.length > 0) throw new ConfigError(problems);
  return buildConfig(parsed, cwd);
}

function crossFieldProblems(env: ParsedEnv): string[] {
  const problems: string[] = [];
  if (env.SLACK_BOT_TOKEN && !env.SLACK_SIGNING_SECRET) {
    problems.push(
      'SLACK_SIGNING_SECRET is required when SLACK_BOT_TOKEN is set (Slack requests are verified with it)',
    );
  }
  if (env.SLACK_SIGNING_SECRET && !env.SLACK_BOT_TOKEN) {
    problems.push('SLACK_BOT_TOKEN is required when SLACK_SIGNING_SECRET is set');
  }
  if (env.TELEGRAM_WEBHOOK_SECRET && !env.TELEGRAM_BOT_TOKEN) {
    problems.push('TELEGRAM_BOT_TOKEN is required when TELEGRAM_WEBHOOK_SECRET is set');
  }
  if (Number(env.SURVEY_REMIND_DAYS ?? '3') >= Number(env.SURVEY_EXPIRE_DAYS ?? '14')) {
    problems.push(
      'SURVEY_REMIND_DAYS must be less than SURVEY_EXPIRE_DAYS (a reminder after expiry reaches nobody)',
    );
  }
  if (env.WECHATY_PUPPET_SERVICE_TOKEN && !env.WECHATY_PUPPET) {
    problems.push('WECHATY_PUPPET is required when WECHATY_PUPPET_SERVICE_TOKEN is set');
  }
  problems.push(...wechatOfficialProblems(env));
  return problems;
}

function wechatOfficialProblems(env: ParsedEnv): string[] {
  const problems: string[] = [];
  const templates = [
    env.WECHAT_TEMPLATE_SURVEY,
    env.WECHAT_TEMPLATE_RETURN_VISIT,
    env.WECHAT_TEMPLATE_NOTICE,
  ];
  if (env.WECHAT_APP_ID && !env.WECHAT_APP_SECRET)
    problems.push('WECHAT_APP_SECRET is required when WECHAT_APP_ID is set (the access token needs both)');
  if (env.WECHAT_APP_SECRET && !env.WECHAT_APP_ID)
    problems.push('WECHAT_APP_ID is required when WECHAT_APP_SECRET is set');
  if (env.WECHAT_APP_ID && !env.WECHATY_PUPPET)
    problems.push(
      'WECHATY_PUPPET is required when WECHAT_APP_ID is set (owners write through the puppet, e.g. wechaty-puppet-official-account)',
    );
  if (!env.WECHAT_APP_ID && (env.WECHAT_API_ROOT || templates.some(Boolean)))
    problems.push(
      'WECHAT_APP_ID and WECHAT_APP_SECRET are required for WECHAT_API_ROOT and WECHAT_TEMPLATE_*',
    );
  return problems;
}

function buildConfig(env: ParsedEnv, cwd: string): Config {
  const telegram = env.TELEGRAM_BOT_TOKEN
    ? {
        token: env.TELEGRAM_BOT_TOKEN,
        // grammY wants the root without a trailing slash.
        apiRoot: (env.TELEGRAM_API_ROOT ?? 'https://api.telegram.org').replace(/\/+$/, ''),
        webhookSecret: env.TELEGRAM_WEBHOOK_SECRET,
      }
    : undefined;
  const slack =
    env.SLACK_BOT_TOKEN && env.SLACK_SIGNING_SECRET
      ? {
          botToken: env.SLACK_BOT_TOKEN,
          signingSecret: env.SLACK_SIGNING_SECRET,
          // The Slack Web API client joins method names onto this root, so it needs the slash.
          apiUrl: (env.SLACK_API_URL ?? 'https://slack.com/api/').replace(/\/*$/, '/'),
          escalationChannel: env.SLACK_ESCALATION_CHANNEL,
          staffUserIds: (env.SLACK_STAFF_USER_IDS ?? '')
            .split(',')
            .map((id) => id.trim())
            .filter(Boolean),
          onCallGroup: env.SLACK_ONCALL_GROUP,
          supervisorUserIds: (env.SLACK_SUPERVISOR_USER_IDS ?? '')
            .split(',')
            .map((id) => id.trim())
            .filter(Boolean),
          botId: env.SLACK_BOT_ID,
          botUserId: env.SLACK_BOT_USER_ID,
        }
      : undefined;
  const wechat = env.WECHATY_PUPPET
    ? { puppet: env.WECHATY_PUPPET, puppetToken: env.WECHATY_PUPPET_SERVICE_TOKEN }
    : undefined;
  const wechatOfficial = wechatOfficialOf(env);

  const channels: ChannelStatus[] = [
    { channel: 'web', enabled: true, reason: 'built in, needs no credentials' },
    telegram
      ? {
          channel: 'telegram',
          enabled: true,
          reason: telegram.webhookSecret ? 'webhook mode (TELEGRAM_WEBHOOK_SECRET set)' : 'long polling mode',
        }
      : { channel: 'telegram', enabled: false, reason: 'TELEGRAM_BOT_TOKEN is not set' },
    wechat
      ? { channel: 'wechat', enabled: true, reason: wechatReason(wechat.puppet, wechatOfficial) }
      : { channel: 'wechat', enabled: false, reason: 'WECHATY_PUPPET is not set' },
    slack
      ? {
          channel: 'slack',
          enabled: true,
          reason: slack.escalationChannel
            ? `escalations to ${slack.escalationChannel}`
            : 'SLACK_ESCALATION_CHANNEL is not set: escalations stay on the web desk',
        }
      : { channel: 'slack', enabled: false, reason: 'SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are not set' },
  ];

  return {
    port: env.PORT,
    host: env.HOST ?? '0.0.0.0',
    logLevel: (env.LOG_LEVEL as Config['logLevel'] | undefined) ?? 'info',
    timezone: env.BOT_TIMEZONE ?? 'Asia/Shanghai',
    staffLanguage: env.STAFF_LANGUAGE === 'en' ? 'en' : 'zh',
    adminToken: env.ADMIN_TOKEN,
    database: {
      uri: env.MONGODB_URI,
      dataDir: path.resolve(cwd, env.DATA_DIR ?? 'data'),
      cacheDir: path.resolve(cwd, env.ENGINE_CACHE_DIR ?? '.cache'),
    },
    telegram,
    slack,
    wechat,
    wechatOfficial,
    channels,
    conversation: {
      propertyName: env.PROPERTY_NAME,
      dutyPhone: env.DUTY_PHONE ?? '',
      followUpWindowMs: Number(env.FOLLOW_UP_WINDOW_MINUTES ?? '30') * 60_000,
    },
    sla: {
      ...DEFAULT_SLA_POLICY,
      acknowledgeMinutes: parseSlaMinutes(env.SLA_ACK_MINUTES, DEFAULT_SLA_POLICY.acknowledgeMinutes).value,
      resolveMinutes: parseSlaMinutes(env.SLA_RESOLVE_MINUTES, DEFAULT_SLA_POLICY.resolveMinutes).value,
    },
    outreach: {
      surveyCron: env.SURVEY_CRON ?? '0 10 1 1,4,7,10 *',
      upkeepCron: env.OUTREACH_CRON ?? '*/5 * * * *',
      slaCron: env.SLA_CRON ?? '* * * * *',
      digestCron: env.DIGEST_CRON ?? '0 8 * * *',
      quietHours: parseQuietHours(env.QUIET_HOURS ?? '21:00-08:00') as QuietHours | null,
      surveyRemindMs: Number(env.SURVEY_REMIND_DAYS ?? '3') * DAY_MS,
      surveyExpireMs: Number(env.SURVEY_EXPIRE_DAYS ?? '14') * DAY_MS,
      returnVisitDelayMs: Number(env.RETURN_VISIT_DELAY_HOURS ?? '24') * 3_600_000,
      returnVisitPhoneAfterMs: Number(env.RETURN_VISIT_PHONE_AFTER_DAYS ?? '3') * DAY_MS,
    },
    messageRetentionDays: env.MESSAGE_RETENTION_DAYS ? Number(env.MESSAGE_RETENTION_DAYS) : undefined,
    floodMessagesPerMinute: Number(env.FLOOD_MESSAGES_PER_MINUTE ?? '20'),
    floodChannelMessagesPerMinute: Number(env.FLOOD_CHANNEL_MESSAGES_PER_MINUTE ?? '2000'),
    handlingLeaseMs: Number(env.HANDLING_LEASE_SECONDS ?? '60') * 1000,
    webChatLimits: parseWebChatLimits(env.WEB_CHAT_LIMITS).limits,
    trustedProxies: parseTrustedProxies(env.TRUSTED_PROXIES).proxies,
  };
}

function wechatOfficialOf(env: ParsedEnv): Config['wechatOfficial'] {
  if (!env.WECHAT_APP_ID || !env.WECHAT_APP_SECRET) return undefined;
  const templates: Partial<Record<TemplateKind, TemplateSpec>> = {};
  const named: Array<[TemplateKind, string | undefined]> = [
    ['survey', env.WECHAT_TEMPLATE_SURVEY],
    ['return_visit', env.WECHAT_TEMPLATE_RETURN_VISIT],
    ['notice', env.WECHAT_TEMPLATE_NOTICE],
  ];
  for (const [kind, raw] of named) {
    const spec = raw ? parseTemplateSpec(raw) : undefined;
    if (spec && typeof spec !== 'string') templates[kind] = spec;
  }
  return {
    appId: env.WECHAT_APP_ID,
    appSecret: env.WECHAT_APP_SECRET,
    apiRoot: (env.WECHAT_API_ROOT ?? WECHAT_API_ROOT).replace(/\/+$/, ''),
    templates,
  };
}

function wechatReason(puppet: string, official: Config['wechatOfficial']): string {
  if (!official)
    return `puppet ${puppet}; no Official Account API (WECHAT_APP_ID): no outreach after 48 hours`;
  const kinds = Object.keys(official.templates);
  return `puppet ${puppet}; Official Account ${official.appId}, templates: ${kinds.length > 0 ? kinds.join(', ') : 'none'}`;
}
