import type { LocalizedText } from './text';

/** The daily digest staff read in the staff channel, in STAFF_LANGUAGE. */
export const digestTexts = {
  title: { zh: '📰 每日简报 {day}', en: '📰 Daily digest {day}' },
  suggestions: { zh: '新建议 {count} 条', en: 'New suggestions: {count}' },
  questions: { zh: '新咨询 {count} 条', en: 'New questions: {count}' },
  open: {
    zh: '未结工单：1 天内 {a} · 1-3 天 {b} · 3-7 天 {c} · 7 天以上 {d}',
    en: 'Open cases by age: under 1 day {a} · 1-3 days {b} · 3-7 days {c} · over 7 days {d}',
  },
  breaches: { zh: '超时升级中 {count} 件', en: 'SLA breaches (escalated, still open): {count}' },
  survey: {
    zh: '昨日问卷：完成 {completed} 份，回答 {answers} 题，总体平均 {overall}',
    en: "Yesterday's survey: {completed} completed, {answers} answers, overall mean {overall}",
  },
  visits: {
    zh: '昨日回访：答复 {answered}（已解决 {solved} · 未解决 {notSolved}），平均满意度 {rating}，待电话回访 {phone}',
    en: "Yesterday's return visits: {answered} answered ({solved} solved · {notSolved} not), mean rating {rating}, {phone} to call",
  },
  more: { zh: '…另有 {count} 条', en: '…and {count} more' },
} satisfies Record<string, LocalizedText>;
