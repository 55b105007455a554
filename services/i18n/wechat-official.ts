import type { LocalizedText } from './text';

/**
 * What an owner sees in a WeChat template message, by the kind of outreach it stands in for.
 * Template fields of type `thing` hold at most 20 characters: every text here fits (tested).
 */
export const templateTexts = {
  title: {
    survey: { zh: '业主满意度调查', en: 'Satisfaction survey' },
    return_visit: { zh: '服务回访', en: 'Service follow-up' },
    notice: { zh: '物业通知', en: 'Property notice' },
  },
  action: {
    survey: { zh: '回复“好”即可开始作答', en: 'Reply OK to begin' },
    return_visit: { zh: '回复“好”告诉我们结果', en: 'Reply OK to answer' },
    notice: { zh: '回复“好”查看全文', en: 'Reply OK to read it' },
  },
  property: { zh: '物业服务中心', en: 'Property services' },
} satisfies {
  title: Record<string, LocalizedText>;
  action: Record<string, LocalizedText>;
  property: LocalizedText;
};
