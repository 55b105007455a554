import type { LocalizedText } from './text';

/** Owner-facing survey texts (the questions themselves live in the survey definition). */
export const surveyTexts = {
  progress: { zh: '（第 {n}/{total} 题）', en: '(question {n} of {total})' },
  reminder: {
    zh: '温馨提示：本季度满意度调查还差几题，欢迎继续作答，您的意见对我们很重要。',
    en: 'A gentle reminder: our quarterly survey still has a few questions for you. Your view matters to us.',
  },
  thanks: {
    zh: '感谢您完成本季度满意度调查！我们会认真改进。',
    en: 'Thank you for completing our quarterly survey! We will act on what you told us.',
  },
  updated: { zh: '已更新您对第 {n} 题的回答。', en: 'Your answer to question {n} is updated.' },
  notAScore: { zh: '请回复 1 到 5 之间的数字。', en: 'Please reply with a number from 1 to 5.' },
  notOptional: {
    zh: '这一题需要作答，请回复 1 到 5。',
    en: 'This question needs an answer: please reply 1 to 5.',
  },
  closed: {
    zh: '本次调查已结束，感谢您的关注。',
    en: 'This survey has closed; thank you all the same.',
  },
  alreadyDone: {
    zh: '您已完成本次调查，谢谢！',
    en: 'You have already completed this survey, thank you!',
  },
  skip: { zh: '跳过', en: 'Skip' },
} satisfies Record<string, LocalizedText>;

/** Button labels of a 1-5 scale, by what the question measures. */
export const SCALE_LABELS: Record<'perceived' | 'expectation' | 'overall', LocalizedText[]> = {
  perceived: [
    { zh: '1 很差', en: '1 very poor' },
    { zh: '2 较差', en: '2 poor' },
    { zh: '3 一般', en: '3 fair' },
    { zh: '4 较好', en: '4 good' },
    { zh: '5 很好', en: '5 very good' },
  ],
  expectation: [
    { zh: '1 很低', en: '1 very low' },
    { zh: '2 较低', en: '2 low' },
    { zh: '3 一般', en: '3 medium' },
    { zh: '4 较高', en: '4 high' },
    { zh: '5 很高', en: '5 very high' },
  ],
  overall: [
    { zh: '1 很不满意', en: '1 very dissatisfied' },
    { zh: '2 不满意', en: '2 dissatisfied' },
    { zh: '3 一般', en: '3 neutral' },
    { zh: '4 满意', en: '4 satisfied' },
    { zh: '5 很满意', en: '5 very satisfied' },
  ],
};
