import type { LocalizedText } from './text';

/** Why outreach did not reach owners, by failure code: for the desk and `survey status` (staff read both languages). */
export const unreachableReasons: Record<string, LocalizedText> = {
  wechat_template_required: {
    zh: '超过 48 小时未发消息，且未配置模板消息',
    en: 'silent for over 48 hours and no template message configured',
  },
  wechat_unsubscribed: { zh: '已取消关注公众号', en: 'unfollowed the Official Account' },
  wechat_refused: { zh: '已拒收公众号消息', en: 'turned off messages from the account' },
  wechat_openid_invalid: { zh: '不是本公众号的用户', en: 'not a user of this Official Account' },
  wechat_template_invalid: {
    zh: '模板 ID 无效（请在公众号后台核对）',
    en: 'template id not valid (check the admin console)',
  },
  wechat_template_fields_invalid: {
    zh: '模板字段与配置不符（见 docs/channels.md）',
    en: 'template fields do not match the mapping (docs/channels.md)',
  },
  wechat_quota_reached: { zh: '当日模板消息额度已用完', en: "the day's template quota was used up" },
  wechat_ip_not_allowed: {
    zh: '服务器 IP 不在公众号白名单中',
    en: "the server's IP is not in the account's allow-list",
  },
  telegram_403: { zh: '已屏蔽机器人', en: 'blocked the bot' },
  telegram_400: { zh: 'Telegram 找不到该会话', en: 'Telegram has no such chat' },
  outcome_unknown: { zh: '发送中断，结果未知', en: 'the send was cut off; outcome unknown' },
};
