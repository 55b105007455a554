import path from 'node:path';
import { DEFAULT_QUIET_HOURS, parseQuietHours, type QuietHours } from '../surveys/local-time';
import { DEFAULT_SLA_POLICY, parseSlaMinutes } from '../tickets/sla';
import { channelsOf } from './channel-config';
import type { Config } from './config-types';
import type { ParsedEnv } from './env-schema';
import { parseTrustedProxies } from './trusted-proxies';
import { parseWebChatLimits } from './web-chat-limits';

const DAY_MS = 86_400_000;

/** The typed configuration from a validated environment, defaults filled in; paths resolve against `cwd`. */
export function buildConfig(env: ParsedEnv, cwd: string): Config {
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
    ...channelsOf(env),
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
    outreach: outreachOf(env),
    messageRetentionDays: env.MESSAGE_RETENTION_DAYS ? Number(env.MESSAGE_RETENTION_DAYS) : undefined,
    floodMessagesPerMinute: Number(env.FLOOD_MESSAGES_PER_MINUTE ?? '20'),
    floodChannelMessagesPerMinute: Number(env.FLOOD_CHANNEL_MESSAGES_PER_MINUTE ?? '2000'),
    handlingLeaseMs: Number(env.HANDLING_LEASE_SECONDS ?? '60') * 1000,
    webChatLimits: parseWebChatLimits(env.WEB_CHAT_LIMITS).limits,
    trustedProxies: parseTrustedProxies(env.TRUSTED_PROXIES).proxies,
  };
}

function outreachOf(env: ParsedEnv): Config['outreach'] {
  return {
    surveyCron: env.SURVEY_CRON ?? '0 10 1 1,4,7,10 *',
    upkeepCron: env.OUTREACH_CRON ?? '*/5 * * * *',
    slaCron: env.SLA_CRON ?? '* * * * *',
    digestCron: env.DIGEST_CRON ?? '0 8 * * *',
    quietHours:
      env.QUIET_HOURS === undefined
        ? DEFAULT_QUIET_HOURS
        : (parseQuietHours(env.QUIET_HOURS) as QuietHours | null),
    surveyRemindMs: Number(env.SURVEY_REMIND_DAYS ?? '3') * DAY_MS,
    surveyExpireMs: Number(env.SURVEY_EXPIRE_DAYS ?? '14') * DAY_MS,
    returnVisitDelayMs: Number(env.RETURN_VISIT_DELAY_HOURS ?? '24') * 3_600_000,
    returnVisitPhoneAfterMs: Number(env.RETURN_VISIT_PHONE_AFTER_DAYS ?? '3') * DAY_MS,
  };
}
