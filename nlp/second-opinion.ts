import { detectEmergency, findDangerWords, type Emergency } from './emergency';

/** Tuned by 5-fold cross-validation on train+dev (see docs/nlp.md). */
export const EMERGENCY_SCORE_ALARM = 0.8;
/** With a danger word in the message, a lower learned score raises the alarm. */
export const EMERGENCY_SCORE_ALARM_WITH_DANGER = 0.6;
/** From here up to the alarm, no emergency is declared but a person looks at once. */
export const EMERGENCY_SCORE_REVIEW = 0.4;

/** How dangerous a message is, by the rules, the learned score and its danger words. */
export interface DangerAssessment {
  /** The rules' verdict, else the learned score's when it is high enough. */
  emergency: Emergency | undefined;
  /** Learned probability that the message reports an emergency (0..1). */
  emergencyScore: number;
  /** No emergency was declared, but the score is borderline: a person should look now. */
  urgentReview: boolean;
  /** Danger words of the message (normalized); empty when none. */
  dangerWords: string[];
}

/**
 * Combines the rules (first, and enough alone) with the learned emergency score (a second
 * opinion: it raises the alarm when the rules were silent and it is confident, or asks for
 * a person at once when it is borderline) and the message's danger words.
 */
export function assessDanger(text: string, emergencyScore: number): DangerAssessment {
  const danger = findDangerWords(text);
  const ruled = detectEmergency(text);
  if (ruled) return { emergency: ruled, emergencyScore, urgentReview: false, dangerWords: danger.words };
  const alarm =
    emergencyScore >= EMERGENCY_SCORE_ALARM ||
    (danger.words.length > 0 && emergencyScore >= EMERGENCY_SCORE_ALARM_WITH_DANGER);
  const emergency: Emergency | undefined = alarm
    ? { kind: danger.kind ?? 'unspecified', evidence: danger.words.join(' '), source: 'model' }
    : undefined;
  return {
    emergency,
    emergencyScore,
    urgentReview: !alarm && emergencyScore >= EMERGENCY_SCORE_REVIEW,
    dangerWords: danger.words,
  };
}
