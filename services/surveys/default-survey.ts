import type { LocalizedText } from '../i18n/text';
import { SURVEY_DIMENSIONS, type SurveyDimension, type SurveyQuestion } from './survey-model';

/** What `npx ownerbot survey import` accepts, and what the default survey is written as. */
export interface SurveyDefinitionInput {
  surveyId: string;
  title: LocalizedText;
  intro: LocalizedText;
  questions: SurveyQuestion[];
}

const DIMENSION_NAMES: Record<SurveyDimension, LocalizedText> = {
  security: { zh: '安保', en: 'security' },
  cleaning: { zh: '保洁', en: 'cleaning' },
  repairs: { zh: '维修养护', en: 'repairs and maintenance' },
  customer_service: { zh: '客户服务', en: 'customer service' },
  greening: { zh: '绿化与环境', en: 'greening and environment' },
  value_for_fees: { zh: '物业费性价比', en: 'value for the fees' },
};

/**
 * The trade's quarterly evaluation form: for each service dimension the perceived
 * performance and the expectation (1-5), then an overall score and an optional comment.
 * Satisfaction per dimension is perceived / expectation (see survey-scores.ts).
 */
export const DEFAULT_SURVEY: SurveyDefinitionInput = {
  surveyId: 'quarterly',
  title: { zh: '季度业主满意度调查', en: 'Quarterly owner satisfaction survey' },
  intro: {
    zh: '您好！这是本季度的业主满意度调查，共 {count} 题，约 2 分钟。每题请点选按钮或回复数字，中途停下也会保留您的回答。',
    en: 'Hello! This is our quarterly owner satisfaction survey: {count} questions, about 2 minutes. Tap a button or reply with a number; answers you give are kept even if you stop halfway.',
  },
  questions: [
    ...SURVEY_DIMENSIONS.flatMap((dimension): SurveyQuestion[] => {
      const name = DIMENSION_NAMES[dimension];
      return [
        {
          id: `${dimension}.perceived`,
          kind: 'scale',
          measure: 'perceived',
          dimension,
          prompt: {
            zh: `本季度您对【${name.zh}】的实际感受如何？（1 很差 – 5 很好）`,
            en: `How did you find our ${name.en} this quarter? (1 very poor – 5 very good)`,
          },
          optional: false,
        },
        {
          id: `${dimension}.expectation`,
          kind: 'scale',
          measure: 'expectation',
          dimension,
          prompt: {
            zh: `您对【${name.zh}】的期望有多高？（1 很低 – 5 很高）`,
            en: `How high are your expectations of our ${name.en}? (1 very low – 5 very high)`,
          },
          optional: false,
        },
      ];
    }),
    {
      id: 'overall',
      kind: 'scale',
      measure: 'overall',
      dimension: '',
      prompt: {
        zh: '总体而言，您对本季度的物业服务打几分？（1 很不满意 – 5 很满意）',
        en: 'Overall, how satisfied are you with our service this quarter? (1 very dissatisfied – 5 very satisfied)',
      },
      optional: false,
    },
    {
      id: 'comment',
      kind: 'text',
      measure: 'comment',
      dimension: '',
      prompt: {
        zh: '还有什么意见或建议吗？直接回复文字即可，没有请点“跳过”。',
        en: 'Anything you would like to tell us? Just reply in words, or tap "Skip".',
      },
      optional: true,
    },
  ],
};
