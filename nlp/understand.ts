import { detectEmergency, type Emergency } from './emergency';
import type { Category, Intent } from './labels';
import { detectLanguage, type Language } from './language';
import { modelTokens, type UnderstandingModel } from './model';

/** Everything nlp/ says about one message. */
export interface Understanding {
  text: string;
  language: Language;
  intent: Intent;
  /** Probability of `intent`, 0..1 (1 for a staff-corrected message). */
  confidence: number;
  /** The other intents with their probabilities, most probable first. */
  alternatives: Array<{ intent: Intent; confidence: number }>;
  /** True when the bot should ask to clarify (or hand over) rather than act on `intent`. */
  fallback: boolean;
  category: Category;
  categoryConfidence: number;
  /** Set when the message reports an emergency; decided before and apart from the classifier. */
  emergency: Emergency | undefined;
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

/**
 * A message with the labels staff gave it in place of the classifier's: certain (confidence
 * 1), no alternatives, no fallback. Language and emergency stay as detected. The model's
 * trained-in corrections and the live ones recorded since share this.
 */
export function withCorrection(
  understanding: Pick<Understanding, 'text' | 'language' | 'emergency'>,
  correction: { intent: Intent; category: Category },
): Understanding {
  return {
    text: understanding.text,
    language: understanding.language,
    intent: correction.intent,
    confidence: 1,
    alternatives: [],
    fallback: false,
    category: correction.category,
    categoryConfidence: 1,
    emergency: understanding.emergency,
  };
}

/**
 * Creates the understanding step of the inbound path from a trained model. A staff-corrected
 * message gets its corrected labels with confidence 1; a message with no known token is
 * `other` with confidence 0 and fallback; the emergency detector never depends on the model.
 */
export function createUnderstanding(options: UnderstandingOptions): Understander {
  const { model } = options;
  const threshold = options.confidenceThreshold ?? DEFAULT_CONFIDENCE_THRESHOLD;
  const margin = options.ambiguityMargin ?? DEFAULT_AMBIGUITY_MARGIN;

  return {
    understand(text) {
      const emergency = detectEmergency(text);
      const language = detectLanguage(text);
      const corrected = model.correctionFor(text);
      if (corrected) return withCorrection({ text, language, emergency }, corrected);
      const tokens = modelTokens(
        text.length > CLASSIFIED_PREFIX ? text.slice(0, CLASSIFIED_PREFIX) : text,
        emergency,
      );
      const intents = model.classifyIntent(tokens);
      const categories = model.classifyCategory(tokens);
      const [topCategory] = categories;
      if (emergency && topCategory) {
        // Someone reporting an emergency wants help, however they word it ("车棚里电瓶车自燃了"
        // reads like a complaint): the detector's verdict stands, as a staff correction does.
        return {
          text,
          language,
          intent: 'help_seeking',
          confidence: 1,
          alternatives: [],
          fallback: false,
          category: topCategory.label,
          categoryConfidence: topCategory.probability,
          emergency,
        };
      }
      const [top, second] = intents;
      if (!top || !topCategory) {
        return {
          text,
          language,
          intent: 'other',
          confidence: 0,
          alternatives: [],
          fallback: true,
          category: 'other',
          categoryConfidence: 0,
          emergency,
        };
      }
      const fallback =
        top.probability < threshold ||
        (second !== undefined && top.probability - second.probability < margin);
      return {
        text,
        language,
        intent: top.label,
        confidence: top.probability,
        alternatives: intents
          .slice(1)
          .map(({ label, probability }) => ({ intent: label, confidence: probability })),
        fallback,
        category: topCategory.label,
        categoryConfidence: topCategory.probability,
        emergency,
      };
    },
  };
}
