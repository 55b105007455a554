import type { LocalizedText } from './text';

/** What the owner is told when staff act on their case, in the owner's language. */
export const caseNotices = {
  claimed: {
    zh: '您的工单 {reference} 已由 {staff} 负责处理，有进展会及时告诉您。',
    en: 'Your case {reference} is now with {staff}, who will keep you posted.',
  },
  handover_accepted: {
    zh: '您的工单 {reference} 已转由 {staff} 负责，有进展会及时告诉您。',
    en: 'Your case {reference} is now with {staff}, who will keep you posted.',
  },
  resolved: {
    zh: '您的工单 {reference} 已处理完成：{result}\n如问题仍未解决，直接回复告诉我们即可。',
    en: 'Your case {reference} has been resolved: {result}\nIf the problem is still there, just reply and tell us.',
  },
  reopened: {
    zh: '您的工单 {reference} 已重新打开，{staff} 会继续跟进。',
    en: 'Your case {reference} is open again; {staff} will follow it up.',
  },
  staffReply: { zh: '【{reference}】{staff}：{text}', en: '[{reference}] {staff}: {text}' },
  ourStaff: { zh: '工作人员', en: 'our staff' },
} satisfies Record<string, LocalizedText>;
