/**
 * nlp/: the pure understanding layer. Text in, `{ language, intent, confidence, category,
 * emergency }` out; no database, environment, logging or network. Models are plain JSON the
 * caller may cache (see `trainingHash`); FAQ files are validated here and stored elsewhere.
 */
export {
  createUnderstanding,
  DEFAULT_AMBIGUITY_MARGIN,
  DEFAULT_CONFIDENCE_THRESHOLD,
  withCorrection,
} from './understand';
export type { Understander, Understanding, UnderstandingOptions } from './understand';
export { trainModel, modelFromJSON, trainingHash, MODEL_VERSION } from './model';
export type {
  Correction,
  LabeledExample,
  ModelJson,
  TrainInput,
  TrainOptions,
  UnderstandingModel,
} from './model';
export { detectEmergency, EMERGENCY_CATEGORY, EMERGENCY_KINDS, findDangerWords } from './emergency';
export type { DangerWords, Emergency, EmergencyKind, EmergencySource } from './emergency';
export {
  assessDanger,
  EMERGENCY_SCORE_ALARM,
  EMERGENCY_SCORE_ALARM_WITH_DANGER,
  EMERGENCY_SCORE_REVIEW,
} from './second-opinion';
export type { DangerAssessment } from './second-opinion';
export { isHandoverRequest } from './handover';
export {
  createFaqIndex,
  parseFaqFile,
  validateFaqFile,
  DEFAULT_FAQ_MARGIN,
  DEFAULT_FAQ_THRESHOLD,
  evaluateFaq,
  FAQ_LANGUAGES,
  loadFaqQuestions,
  loadSampleFaq,
  SAMPLE_FAQ_FILE,
} from './faq';
export type {
  FaqCandidate,
  FaqEntry,
  FaqFile,
  FaqIndex,
  FaqIndexOptions,
  FaqLanguage,
  FaqMatch,
  FaqEvaluation,
  FaqQuestion,
  FaqQuestionSplit,
  FaqValidation,
} from './faq';
export { loadCorpus, parseCorpus } from './corpus';
export type { CorpusExample, CorpusLanguage, CorpusSplit } from './corpus';
export { detectLanguage, isChinese, replyLanguage } from './language';
export type { Language } from './language';
export { chineseScript, toSimplified } from './script';
export type { ChineseScript } from './script';
export { normalizeText, correctionKey } from './normalize';
export { tokenize } from './tokenize';
export { CATEGORIES, INTENTS, isCategory, isIntent } from './labels';
export type { Category, Intent } from './labels';
