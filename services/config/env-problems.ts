import type { ParsedEnv } from './env-schema';

/** Rules between keys (a secret without its token, reminders after expiry), in a fixed order. */
export function crossFieldProblems(env: ParsedEnv): string[] {
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
