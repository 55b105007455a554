import path from 'node:path';
import { DEFAULT_WEB_CHAT_LIMITS } from '../../../services/config/web-chat-limits';
import { loadConfig } from '../../../services/config/load-config';
import { ConfigError } from '../../../services/errors';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('when the environment is empty, then it runs the web chat on the embedded engine with defaults', () => {
    const config = loadConfig({}, '/srv/ownerbot');
    expect(config.port).toBe(3000);
    expect(config.database.uri).toBeUndefined();
    expect(config.database.dataDir).toBe(path.resolve('/srv/ownerbot/data'));
    expect(config.timezone).toBe('Asia/Shanghai');
    expect(config.telegram).toBeUndefined();
    expect(config.channels.filter((c) => c.enabled).map((c) => c.channel)).toEqual(['web']);
    expect(config.channels.find((c) => c.channel === 'telegram')?.reason).toBe(
      'TELEGRAM_BOT_TOKEN is not set',
    );
  });

  it('when STAFF_LANGUAGE is unset, en or something else, then staff read zh, en, or the key is named', () => {
    expect(loadConfig({}).staffLanguage).toBe('zh');
    expect(loadConfig({ STAFF_LANGUAGE: 'en' }).staffLanguage).toBe('en');
    expect(problemsOf({ STAFF_LANGUAGE: 'fr' })).toEqual(['STAFF_LANGUAGE must be zh or en, got "fr"']);
  });

  it('when several keys are bad, then one error lists each with its reason and value', () => {
    const problems = problemsOf({ PORT: 'abc', BOT_TIMEZONE: 'Mars/Olympus', MONGODB_URI: 'postgres://x' });
    expect(problems).toEqual([
      'PORT must be an integer 1-65535, got "abc"',
      'BOT_TIMEZONE must be an IANA time zone such as Asia/Shanghai, got "Mars/Olympus"',
      'MONGODB_URI must start with mongodb:// or mongodb+srv://, got "postgres://x"',
    ]);
  });

  it('when a secret is malformed, then the message never repeats the secret', () => {
    const problems = problemsOf({ SLACK_BOT_TOKEN: 'xoxp-user-token-leaked', SLACK_SIGNING_SECRET: 's' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('SLACK_BOT_TOKEN must be a bot token');
    expect(problems[0]).not.toContain('xoxp-user-token-leaked');
  });

  it('when Slack is half configured, then the missing partner key is named', () => {
    expect(problemsOf({ SLACK_BOT_TOKEN: 'xoxb-1-2-3' })).toEqual([
      'SLACK_SIGNING_SECRET is required when SLACK_BOT_TOKEN is set (Slack requests are verified with it)',
    ]);
  });

  it('when channel credentials are present, then exactly those channels are on with their mode', () => {
    const config = loadConfig({
      PORT: '8080',
      TELEGRAM_BOT_TOKEN: '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ',
      TELEGRAM_WEBHOOK_SECRET: 'hook-secret',
      TELEGRAM_API_ROOT: 'http://127.0.0.1:9000/',
      SLACK_BOT_TOKEN: 'xoxb-1-2-3',
      SLACK_SIGNING_SECRET: 'signing',
      SLACK_API_URL: 'http://127.0.0.1:9001/api',
      SLACK_ESCALATION_CHANNEL: 'C0123456789',
    });
    expect(config.port).toBe(8080);
    expect(config.telegram).toEqual({
      token: '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ',
      apiRoot: 'http://127.0.0.1:9000',
      webhookSecret: 'hook-secret',
    });
    expect(config.slack?.apiUrl).toBe('http://127.0.0.1:9001/api/');
    expect(Object.fromEntries(config.channels.map((c) => [c.channel, c.enabled]))).toEqual({
      web: true,
      telegram: true,
      wechat: false,
      slack: true,
    });
    expect(config.channels.find((c) => c.channel === 'telegram')?.reason).toMatch(/webhook/);
  });

  it('when conversation and SLA settings are given, then they are typed, and bad ones are named', () => {
    const config = loadConfig({
      DUTY_PHONE: '0571-8000-0110',
      FOLLOW_UP_WINDOW_MINUTES: '45',
      SLA_ACK_MINUTES: 'emergency=3,consulting=240',
    });
    expect(config.conversation).toMatchObject({ dutyPhone: '0571-8000-0110', followUpWindowMs: 45 * 60_000 });
    expect(config.sla.acknowledgeMinutes).toMatchObject({
      emergency: 3,
      consulting: 240,
      dissatisfaction: 30,
    });
    expect(problemsOf({ FOLLOW_UP_WINDOW_MINUTES: '0', SLA_RESOLVE_MINUTES: 'fire=10' })).toEqual([
      'FOLLOW_UP_WINDOW_MINUTES must be a whole number of minutes 1-1440, got "0"',
      'SLA_RESOLVE_MINUTES "fire=10": the kind must be one of emergency, dissatisfaction, help_seeking, consulting, other, got "fire=10"',
    ]);
  });

  it('when outreach schedules are given, then they are typed, and bad crons and quiet hours are named', () => {
    const defaults = loadConfig({}).outreach;
    expect(defaults).toMatchObject({
      surveyCron: '0 10 1 1,4,7,10 *',
      digestCron: '0 8 * * *',
      slaCron: '* * * * *',
      quietHours: { startMinute: 21 * 60, endMinute: 8 * 60 },
      surveyRemindMs: 3 * 86_400_000,
      surveyExpireMs: 14 * 86_400_000,
      returnVisitDelayMs: 24 * 3_600_000,
      returnVisitPhoneAfterMs: 3 * 86_400_000,
    });
    const config = loadConfig({
      SURVEY_CRON: '0 9 2 1,4,7,10 *',
      QUIET_HOURS: 'off',
      RETURN_VISIT_DELAY_HOURS: '4',
    });
    expect(config.outreach).toMatchObject({
      surveyCron: '0 9 2 1,4,7,10 *',
      quietHours: null,
      returnVisitDelayMs: 4 * 3_600_000,
    });
    expect(problemsOf({ DIGEST_CRON: '0 25 * * *', QUIET_HOURS: '22-7' })).toEqual([
      'DIGEST_CRON must be a cron expression (minute hour day month weekday), e.g. 0 8 * * *, got "0 25 * * *"',
      'QUIET_HOURS must be HH:MM-HH:MM (e.g. 21:00-08:00) or off, got "22-7"',
    ]);
    expect(problemsOf({ SURVEY_REMIND_DAYS: '20', SURVEY_EXPIRE_DAYS: '10' })).toEqual([
      'SURVEY_REMIND_DAYS must be less than SURVEY_EXPIRE_DAYS (a reminder after expiry reaches nobody)',
    ]);
  });

  it('when web chat limits and trusted proxies are given, then unnamed limits keep their defaults, off disables them, and bad ones are named', () => {
    const config = loadConfig({
      WEB_CHAT_LIMITS: 'messages_per_address=10/min, streams_per_session=1',
      TRUSTED_PROXIES: '10.0.0.0/8, 192.0.2.7, ::1',
    });
    expect(config.webChatLimits).toEqual({
      ...DEFAULT_WEB_CHAT_LIMITS,
      messagesPerAddress: { count: 10, periodMs: 60_000 },
      streamsPerSession: 1,
    });
    expect(config.trustedProxies).toEqual(['10.0.0.0/8', '192.0.2.7', '::1']);
    expect(loadConfig({}).webChatLimits).toEqual(DEFAULT_WEB_CHAT_LIMITS);
    expect(loadConfig({}).trustedProxies).toEqual([]);
    expect(loadConfig({ WEB_CHAT_LIMITS: 'off' }).webChatLimits).toBeNull();
    expect(
      problemsOf({
        WEB_CHAT_LIMITS: 'messages=5/min,sessions_per_address=0/h',
        TRUSTED_PROXIES: '10.0.0.0/40',
      }),
    ).toEqual([
      'WEB_CHAT_LIMITS "messages" is not a limit; use sessions_per_address, messages_per_address, uploads_per_address, anonymous_sessions, anonymous_messages, anonymous_uploads, streams_per_address, streams_per_session, anonymous_streams or off, got "messages=5/min,sessions_per_address=0/h"',
      'WEB_CHAT_LIMITS "sessions_per_address=0/h" must be sessions_per_address=N/period with N >= 1 and period s, min, h or d, got "messages=5/min,sessions_per_address=0/h"',
      'TRUSTED_PROXIES "10.0.0.0/40" is not an IP address or CIDR range (e.g. 10.0.0.0/8), got "10.0.0.0/40"',
    ]);
  });
});
