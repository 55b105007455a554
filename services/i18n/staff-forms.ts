import type { LocalizedText } from './text';

/** The fields of the staff forms, shared by the web desk and the Slack modals. */
export const formTexts = {
  result: { zh: '处理结果（业主会收到）', en: 'Result (the owner reads this)' },
  rootCause: { zh: '原因', en: 'Root cause' },
  correctiveAction: { zh: '纠正措施', en: 'Corrective action' },
  preventiveAction: { zh: '预防措施', en: 'Preventive action' },
  required: { zh: '必填', en: 'required' },
  complaintNeedsSummary: {
    zh: '投诉办结需要填写原因、纠正措施和预防措施。',
    en: 'A complaint is resolved with its root cause, corrective and preventive action.',
  },
  intent: { zh: '意图', en: 'Intent' },
  category: { zh: '类别', en: 'Category' },
  colleague: { zh: '转交给同事', en: 'Hand over to' },
  resolveTitle: { zh: '办结 {reference}', en: 'Resolve {reference}' },
  reclassifyTitle: { zh: '重新分类 {reference}', en: 'Reclassify {reference}' },
  handoverTitle: { zh: '转交 {reference}', en: 'Hand over {reference}' },
  save: { zh: '保存', en: 'Save' },
  ask: { zh: '发出请求', en: 'Ask' },
  cancel: { zh: '取消', en: 'Cancel' },
} satisfies Record<string, LocalizedText>;

/** What the Slack desk writes in the escalation channel about a case. */
export const slackDeskTexts = {
  cardHead: {
    zh: '{urgent}*【{reference}】* {kind} · {category} · {status}',
    en: '{urgent}*[{reference}]* {kind} · {category} · {status}',
  },
  cardOwner: { zh: '业主：{who} · {channel} · {verified}', en: 'Owner: {who} · {channel} · {verified}' },
  cardMessage: { zh: '内容：{title}', en: 'Message: {title}' },
  heldBy: { zh: '负责人：{staff}', en: 'With {staff}' },
  unclaimed: { zh: '待认领 · 响应时限 {deadline}', en: 'Unclaimed · acknowledge by {deadline}' },
  resolveBy: { zh: '处理时限 {deadline}', en: 'resolve by {deadline}' },
  waitingHandover: { zh: '等待 {staff} 接手', en: 'waiting for {staff} to accept' },
  resolvedBy: { zh: '已由 {staff} 办结：{result}', en: 'Resolved by {staff}: {result}' },
  handoverAsk: {
    zh: '<@{to}>，<@{from}> 请您接手工单 *{reference}*，请确认是否接手。',
    en: '<@{to}>, <@{from}> asks you to take over *{reference}*. Will you take it?',
  },
  handoverAccepted: { zh: '🤝 <@{to}> 已接手 {reference}', en: '🤝 <@{to}> took over {reference}' },
  handoverDeclined: {
    zh: '<@{to}> 拒绝接手 {reference}，仍由 <@{owner}> 负责',
    en: '<@{to}> declined {reference}; it stays with <@{owner}>',
  },
  announceUnknown: { zh: '未知命令。', en: 'Unknown command.' },
  announceNotStaff: {
    zh: '只有物业工作人员可以发布通知。',
    en: 'Only property staff can send announcements.',
  },
  announceUsage: {
    zh: '用法：/announce [building=7] 中文通知 || English notice',
    en: 'Usage: /announce [building=7] 中文通知 || English notice',
  },
} satisfies Record<string, LocalizedText>;
