import type { LocalizedText } from './text';

/**
 * What staff read wherever they work a case (the Slack desk, the web desk, escalations, SLA
 * messages), in STAFF_LANGUAGE. Placeholders: {name} style; values from owners are escaped by
 * the caller for the place they go.
 */
export const staffTexts = {
  escalation: {
    zh: '{urgent}{oncall}【{reference}】{reason}\n业主：{who}（{verified}，{channel}）\n意图：{intent} · 类别：{category} · 响应时限：{deadline}\n内容：{title}',
    en: '{urgent}{oncall}[{reference}] {reason}\nOwner: {who} ({verified}, {channel})\nIntent: {intent} · category: {category} · acknowledge by {deadline}\nMessage: {title}',
  },
  relay: { zh: '【{reference}】业主补充：{text}', en: '[{reference}] The owner adds: {text}' },
  verified: { zh: '已验证', en: 'verified' },
  unverified: { zh: '未验证', en: 'unverified' },
  /** An owner with neither a name on file nor a display name. */
  unnamedUser: { zh: '{channel} 用户 {id}', en: '{channel} user {id}' },
  ownerWithHome: { zh: '{name}（{home}）', en: '{name} ({home})' },
  home: { zh: '{building}栋 {unit}', en: 'Bldg {building}, {unit}' },
  reasonEmergency: { zh: '紧急情况（{kind}），请立即处理', en: 'EMERGENCY ({kind}): act now' },
  reasonWorkOrder: { zh: '新报修', en: 'New repair request' },
  reasonReopenedByOwner: {
    zh: '业主反映问题仍未解决，工单已重新打开',
    en: 'The owner says it is still not fixed: reopened',
  },
  reasonComplaint: { zh: '新投诉，请立即处理', en: 'New complaint: handle now' },
  reasonQuestion: { zh: '业主咨询，知识库无答案', en: 'Owner question the FAQ cannot answer' },
  reasonNotUnderstood: { zh: '机器人未能理解，转人工', en: 'The bot did not understand: please take over' },

  claim: { zh: '认领', en: 'Claim' },
  handover: { zh: '转交', en: 'Hand over' },
  resolve: { zh: '办结', en: 'Resolve' },
  reclassify: { zh: '重新分类', en: 'Reclassify' },
  accept: { zh: '接手', en: 'Accept' },
  decline: { zh: '拒绝', en: 'Decline' },

  slaWarning: {
    zh: '⏰【{reference}】{deadline}时限 {due} 将到{left}，请尽快处理。',
    en: '⏰ [{reference}] The {deadline} deadline is {due}{left}; please act.',
  },
  timeLeft: { zh: '（还剩 {span}）', en: ' ({span} left)' },
  slaEscalation: {
    zh: '🔺【{reference}】已超过{deadline}时限（{due}），升级至{target}（第 {level} 级）。',
    en: '🔺 [{reference}] The {deadline} deadline ({due}) has passed: escalated to the {target} (level {level}).',
  },
  deadlineAcknowledge: { zh: '响应', en: 'acknowledgement' },
  deadlineResolve: { zh: '处理', en: 'resolution' },
  targetDesk: { zh: '客服台', en: 'desk' },
  targetSupervisor: { zh: '主管', en: 'supervisor' },
  targetManager: { zh: '经理', en: 'manager' },
  minutes: { zh: '{count} 分钟', en: '{count} minutes' },
  oneMinute: { zh: '1 分钟', en: '1 minute' },
  hours: { zh: '{count} 小时', en: '{count} hours' },
  oneHour: { zh: '1 小时', en: '1 hour' },

  undelivered: {
    zh: '⚠️ {reference}：回复未能送达业主（{reason}）。',
    en: '⚠️ {reference}: a reply could not be delivered to the owner ({reason}).',
  },
  outcomeUnknown: {
    zh: '⚠️ {reference}：回复可能未送达业主（发送途中进程中断，不会自动重发），请与业主确认。',
    en: '⚠️ {reference}: a reply may or may not have reached the owner (the sending process stopped mid-send; it is not sent again). Please check with the owner.',
  },
} satisfies Record<string, LocalizedText>;

/** Why staff may not do what they asked, by the ticket service's error code. */
export const refusalTexts = {
  not_owner: {
    zh: '工单 {reference} 由 {owner} 负责（首问负责制），请先请其转交。',
    en: 'Case {reference} belongs to {owner} (first-inquiry responsibility); ask them to hand it over.',
  },
  not_held: {
    zh: '请先认领工单 {reference}，再回复业主。',
    en: 'Claim case {reference} before replying to the owner.',
  },
  already_claimed: {
    zh: '工单 {reference} 已由 {owner} 认领。',
    en: 'Case {reference} is already claimed by {owner}.',
  },
  invalid_transition: {
    zh: '工单 {reference} 当前状态为「{status}」，不能这样操作。',
    en: 'Case {reference} is {status}; that cannot be done now.',
  },
  no_handover: {
    zh: '工单 {reference} 没有等待您接手的转交。',
    en: 'Case {reference} has no hand-over waiting for you.',
  },
  invalid_handover: {
    zh: '{owner} 已经负责工单 {reference}。',
    en: '{owner} already owns case {reference}.',
  },
  not_staff: { zh: '只有物业工作人员可以处理工单。', en: 'Only property staff can act on cases.' },
  pick_colleague: { zh: '请选择一位同事。', en: 'Pick a staff colleague.' },
  pick_labels: { zh: '请选择意图和类别。', en: 'Pick an intent and a category.' },
  empty_reply: { zh: '请先填写回复。', en: 'Write a reply first.' },
  empty_note: { zh: '请先填写备注。', en: 'Write the note first.' },
  ticket_not_found: { zh: '没有找到这个工单。', en: 'There is no such case.' },
  ticket_busy: {
    zh: '工单 {reference} 正在被同时修改，请稍后再试。',
    en: 'Case {reference} is changing right now; try again.',
  },
  other: { zh: '操作未完成：{message}', en: 'Not done: {message}' },
} satisfies Record<string, LocalizedText>;

/** What each required part of a resolution says when it is empty. */
export const fieldTexts = {
  result: {
    zh: '请填写处理结果，业主会收到这段话。',
    en: 'Write the result: the owner will read it.',
  },
  rootCause: { zh: '投诉需要填写原因。', en: 'A complaint needs its root cause.' },
  correctiveAction: { zh: '投诉需要填写纠正措施。', en: 'A complaint needs its corrective action.' },
  preventiveAction: { zh: '投诉需要填写预防措施。', en: 'A complaint needs its preventive action.' },
} satisfies Record<string, LocalizedText>;
