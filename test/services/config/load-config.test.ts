import path from 'node:path';
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
});
