import { EMERGENCY_CATEGORY, type Emergency } from './emergency';
import { isHandoverRequest } from './handover';
import type { Category, Intent } from './labels';
import { detectLanguage, type Language } from './language';
import type { UnderstandingModel } from './model';
import { chineseScript, type ChineseScript } from './script';
import { assessDanger, type DangerAssessment } from './second-opinion';
import { tokenize } from './tokenize';

/** Everything nlp/ says about one message. */
export interface Understanding {
  text: string;
  language: Language;
  /** The Chinese script the owner wrote in (replies are rendered in it); undefined without Chinese. */
  script: ChineseScript | undefined;
  intent: Intent;
  /** Probability of `intent`, 0..1 (1 for a staff-corrected message). */
  confidence: number;
  /** The other intents with their probabilities, most probable first. */
  alternatives: Array<{ intent: Intent; confidence: number }>;
  /** True when the bot should ask to clarify (or hand over) rather than act on `intent`. */
  fallback: boolean;
  category: Category;
  categoryConfidence: number;
  /** Set when the message reports an emergency: by the rules first, else by a confident learned score. */
  emergency: Emergency | undefined;
  /** Learned probability (0..1) that the message reports an emergency; a second opinion. */
  emergencyScore: number;
  /** No emergency, but the learned score is borderline: a person should look at once. */
  urgentReview: boolean;
  /** Danger words (fire, gas, blood, fight...): when any, never a routine or out-of-scope reply. */
  dangerWords: string[];
  /** The owner asks for a person ("人工", "agent"): a request, not a case of any category. */
  handoverRequest: boolean;
}

export interface UnderstandingOptions {
  model: UnderstandingModel;
  /** Fallback below this intent probability; default {@link DEFAULT_CONFIDENCE_THRESHOLD}. */
  confidenceThreshold?: number;
  /** Fallback when the top two intents are closer than this; default {@link DEFAULT_AMBIGUITY_MARGIN}. */
  ambiguityMargin?: number;
}

/** Tuned on the dev split (see docs/nlp.md). */
export const DEFAULT_CONFIDENCE_THRESHOLD = 0.5;
/** Tuned on the dev split (see docs/nlp.md). */
export const DEFAULT_AMBIGUITY_MARGIN = 0.1;
/**
 * Only the start of a very long message is classified: intent and category show in the first
 * few sentences, and it bounds the time one message can take. The emergency detector reads all.
 */
const CLASSIFIED_PREFIX = 2_000;

/** Understands messages with one trained model. */
export interface Understander {
  /** Language, intent (with fallback), category and emergency of a message; never throws. */
  understand(text: string): Understanding;
}

/** What is known of a message before its intent and category: detected, never corrected. */
type Observed = Pick<
  Understanding,
  'text' | 'language' | 'script' | 'handoverRequest' | keyof DangerAssessment
>;

/**
 * A message with the labels staff gave it in place of the classifier's: certain (confidence
 * 1), no alternatives, no fallback. Language, script, emergency and danger stay as detected.
 * The model's trained-in corrections and the live ones recorded since share this.
 */
export function withCorrection(
  understanding: Observed,
  correction: { intent: Intent; category: Category },
): Understanding {
  return {
    ...observed(understanding),
    intent: correction.intent,
    confidence: 1,
    alternatives: [],
    fallback: false,
    category: correction.category,
    categoryConfidence: 1,
  };
}

function observed(understanding: Observed): Observed {
  const { text, language, script, handoverRequest, emergency, emergencyScore, urgentReview, dangerWords } =
    understanding;
  return { text, language, script, handoverRequest, emergency, emergencyScore, urgentReview, dangerWords };
}

/**
 * Creates the understanding step of the inbound path from a trained model. A staff-corrected
 * message gets its corrected labels with confidence 1; a message with no known token is
 * `other` with confidence 0 and fallback; the emergency rules never depend on the model.
 */
export function createUnderstanding(options: UnderstandingOptions): Understander {
  const { model } = options;
  const threshold = options.confidenceThreshold ?? DEFAULT_CONFIDENCE_THRESHOLD;
  const margin = options.ambiguityMargin ?? DEFAULT_AMBIGUITY_MARGIN;

  return {
    understand(text) {
      const tokens = tokenize(text.length > CLASSIFIED_PREFIX ? text.slice(0, CLASSIFIED_PREFIX) : text);
      const seen: Observed = {
        text,
        language: detectLanguage(text),
        script: chineseScript(text),
        handoverRequest: isHandoverRequest(text),
        ...assessDanger(text, model.emergencyScore(tokens)),
      };
      const corrected = model.correctionFor(text);
      if (corrected) return withCorrection(seen, corrected);
      // The learners were trained with the rules' verdict as a token (see modelTokens).
      if (seen.emergency?.source === 'rules') tokens.push('@emergency');
      return classified(seen, model.classifyIntent(tokens), model.classifyCategory(tokens), {
        threshold,
        margin,
      });
    },
  };
}

function classified(
  seen: Observed,
  intents: ReturnType<UnderstandingModel['classifyIntent']>,
  categories: ReturnType<UnderstandingModel['classifyCategory']>,
  limits: { threshold: number; margin: number },
): Understanding {
  const [top, second] = intents;
  const [topCategory] = categories;
  if (seen.emergency) {
    // Someone reporting an emergency wants help, however they word it ("车棚里电瓶车自燃了"
    // reads like a complaint): the verdict stands, as a staff correction does, and its kind
    // decides where it is routed.
    return {
      ...seen,
      intent: 'help_seeking',
      confidence: 1,
      alternatives: [],
      fallback: false,
      category: EMERGENCY_CATEGORY[seen.emergency.kind] ?? topCategory?.label ?? 'other',
      categoryConfidence: EMERGENCY_CATEGORY[seen.emergency.kind] ? 1 : (topCategory?.probability ?? 0),
    };
  }
  if (seen.handoverRequest) {
    return {
      ...seen,
      intent: 'other',
      confidence: 1,
      alternatives: [],
      fallback: false,
      category: 'other',
      categoryConfidence: 1,
    };
  }
  if (!top || !topCategory) {
    return {
      ...seen,
      intent: 'other',
      confidence: 0,
      alternatives: [],
      fallback: true,
      category: 'other',
      categoryConfidence: 0,
    };
  }
  const fallback =
    top.probability < limits.threshold ||
    (second !== undefined && top.probability - second.probability < limits.margin);
  return {
    ...seen,
    intent: top.label,
    confidence: top.probability,
    alternatives: intents
      .slice(1)
      .map(({ label, probability }) => ({ intent: label, confidence: probability })),
    fallback,
    category: topCategory.label,
    categoryConfidence: topCategory.probability,
  };
}
