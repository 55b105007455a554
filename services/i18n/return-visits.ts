import type { LocalizedText } from './text';

/** What owners read in a return visit. Placeholders: {name} style. */
export const returnVisitTexts = {
  solved: {
    zh: '您好，关于您的【{reference}】（{title}），我们回访一下：问题解决了吗？',
    en: 'Hello, a follow-up on your case {reference} ({title}): was it solved?',
  },
  yes: { zh: '已解决', en: 'Yes, solved' },
  no: { zh: '没有解决', en: 'No' },
  rating: {
    zh: '您对这次处理的满意程度如何？（1 很不满意 – 5 很满意）',
    en: 'How satisfied are you with how it was handled? (1 very dissatisfied – 5 very satisfied)',
  },
  comment: {
    zh: '还有什么要补充的吗？直接回复文字，没有请点“跳过”。',
    en: 'Anything to add? Just reply in words, or tap "Skip".',
  },
  skip: { zh: '跳过', en: 'Skip' },
  thanks: {
    zh: '感谢您的反馈！【{reference}】已办结。',
    en: 'Thank you for your feedback! Case {reference} is closed.',
  },
  thanksOpen: { zh: '感谢您的反馈！', en: 'Thank you for your feedback!' },
  reopened: {
    zh: '非常抱歉！【{reference}】已重新打开，仍由原负责人跟进。请告诉我们还有什么问题。',
    en: 'We are sorry! Case {reference} is reopened and goes back to the colleague who handled it. Please tell us what is still wrong.',
  },
  detailNoted: {
    zh: '已转告负责同事，会尽快与您联系。',
    en: 'Passed on to the colleague handling it; they will be in touch soon.',
  },
  notAnAnswer: {
    zh: '请回复 1（已解决）或 2（没有解决）。',
    en: 'Please reply 1 (solved) or 2 (not solved).',
  },
  notAScore: { zh: '请回复 1 到 5 之间的数字。', en: 'Please reply with a number from 1 to 5.' },
} satisfies Record<string, LocalizedText>;

/** What staff read when a return visit needs them. */
export const returnVisitStaffTexts = {
  reopened: {
    zh: '🔁【{reference}】回访不满意（{why}），已重新打开，退回原负责人 {assignee} 处理。',
    en: '🔁 [{reference}] The return visit was negative ({why}): reopened and back with {assignee}.',
  },
  notSolved: { zh: '业主表示未解决', en: 'the owner says it is not solved' },
  lowRating: { zh: '满意度 {rating}/5', en: 'rated {rating}/5' },
  detail: { zh: '【{reference}】业主补充：{text}', en: '[{reference}] The owner adds: {text}' },
  phone: {
    zh: '📞【{reference}】回访 {days} 天未获答复，请电话回访业主。',
    en: '📞 [{reference}] No answer to the return visit after {days} days: please call the owner.',
  },
} satisfies Record<string, LocalizedText>;
