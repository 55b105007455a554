import { WECHAT_API_ROOT } from '../wechat-official/api';
import { parseTemplateSpec, type TemplateKind, type TemplateSpec } from '../wechat-official/template-render';
import type { ChannelStatus, Config } from './config-types';
import type { ParsedEnv } from './env-schema';

/** The owner channels with credentials, and why each is on or off, for the start-up log. */
export function channelsOf(
  env: ParsedEnv,
): Pick<Config, 'telegram' | 'slack' | 'wechat' | 'wechatOfficial' | 'channels'> {
  const telegram = telegramOf(env);
  const slack = slackOf(env);
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
  return { telegram, slack, wechat, wechatOfficial, channels };
}

function telegramOf(env: ParsedEnv): Config['telegram'] {
  if (!env.TELEGRAM_BOT_TOKEN) return undefined;
  return {
    token: env.TELEGRAM_BOT_TOKEN,
    // grammY wants the root without a trailing slash.
    apiRoot: (env.TELEGRAM_API_ROOT ?? 'https://api.telegram.org').replace(/\/+$/, ''),
    webhookSecret: env.TELEGRAM_WEBHOOK_SECRET,
  };
}

function slackOf(env: ParsedEnv): Config['slack'] {
  if (!env.SLACK_BOT_TOKEN || !env.SLACK_SIGNING_SECRET) return undefined;
  return {
    botToken: env.SLACK_BOT_TOKEN,
    signingSecret: env.SLACK_SIGNING_SECRET,
    // The Slack Web API client joins method names onto this root, so it needs the slash.
    apiUrl: (env.SLACK_API_URL ?? 'https://slack.com/api/').replace(/\/*$/, '/'),
    escalationChannel: env.SLACK_ESCALATION_CHANNEL,
    staffUserIds: idList(env.SLACK_STAFF_USER_IDS),
    onCallGroup: env.SLACK_ONCALL_GROUP,
    supervisorUserIds: idList(env.SLACK_SUPERVISOR_USER_IDS),
    botId: env.SLACK_BOT_ID,
    botUserId: env.SLACK_BOT_USER_ID,
  };
}

function idList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean);
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
