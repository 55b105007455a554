export { FAQ_LANGUAGES, parseFaqFile, validateFaqFile } from './schema';
export type { FaqEntry, FaqFile, FaqLanguage, FaqValidation } from './schema';
export { createFaqIndex, DEFAULT_FAQ_MARGIN, DEFAULT_FAQ_THRESHOLD } from './search';
export type { FaqCandidate, FaqIndex, FaqIndexOptions, FaqMatch } from './search';
export { evaluateFaq, loadFaqQuestions } from './evaluate';
export type { FaqEvaluation, FaqQuestion, FaqQuestionSplit } from './evaluate';
export { loadSampleFaq, SAMPLE_FAQ_FILE } from './sample';
