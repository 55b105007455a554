/**
 * The owner relationship stage, after the customer life-cycle model the trade uses
 * (investigation, formation, stability, degradation). A pure rule over facts the report
 * refresh gathers, documented in docs/dashboard.md; change the thresholds here and there.
 */

export const RELATIONSHIP_STAGES = ['investigation', 'formation', 'stability', 'degradation'] as const;
export type RelationshipStage = (typeof RELATIONSHIP_STAGES)[number];

export const RISK_REASONS = [
  'satisfaction_drop',
  'low_satisfaction',
  'frequent_complaints',
  'reopened_cases',
] as const;
export type RiskReason = (typeof RISK_REASONS)[number];

/** What the rule looks at, for one owner. */
export interface OwnerFacts {
  /** When the owner was recorded (the owner file import): the best tenure proxy stored. */
  since: Date;
  /** Overall score (1-5) in the latest survey quarter the owner answered; null if none. */
  latestScore: number | null;
  /** Overall score in the survey quarter before that; null if not answered. */
  previousScore: number | null;
  /** Complaints (dissatisfaction cases) opened in the last 90 days. */
  complaints90d: number;
  /** Complaints opened in the last 180 days. */
  complaints180d: number;
  /** Reopenings of cases opened in the last 180 days. */
  reopened180d: number;
}

export const STAGE_RULE = {
  /** Younger relationships are still being tried out. */
  investigationDays: 180,
  /** A relationship is stable after a year... */
  stabilityDays: 365,
  /** ...with a good latest score (or none given) and no complaint for 180 days. */
  stableScore: 4,
  /** A drop of this much between two survey quarters is a warning sign. */
  dropPoints: 1,
  /** A latest score this low is one too. */
  lowScore: 2,
  /** So are this many complaints in 90 days. */
  frequentComplaints: 2,
} as const;

const DAY = 86_400_000;

/**
 * Degradation when any risk reason holds (each named, so staff know why to visit);
 * otherwise investigation under 180 days of tenure; stability after a year with no
 * complaint in 180 days and a latest score of 4+ (or none); formation in between.
 */
export function relationshipStage(
  facts: OwnerFacts,
  now: Date,
): { stage: RelationshipStage; reasons: RiskReason[]; tenureDays: number } {
  const tenureDays = Math.max(0, Math.floor((now.getTime() - facts.since.getTime()) / DAY));
  const reasons: RiskReason[] = [];
  if (
    facts.latestScore !== null &&
    facts.previousScore !== null &&
    facts.previousScore - facts.latestScore >= STAGE_RULE.dropPoints
  )
    reasons.push('satisfaction_drop');
  if (facts.latestScore !== null && facts.latestScore <= STAGE_RULE.lowScore)
    reasons.push('low_satisfaction');
  if (facts.complaints90d >= STAGE_RULE.frequentComplaints) reasons.push('frequent_complaints');
  if (facts.reopened180d > 0) reasons.push('reopened_cases');
  if (reasons.length) return { stage: 'degradation', reasons, tenureDays };
  if (tenureDays < STAGE_RULE.investigationDays) return { stage: 'investigation', reasons, tenureDays };
  const contented = facts.latestScore === null || facts.latestScore >= STAGE_RULE.stableScore;
  if (tenureDays >= STAGE_RULE.stabilityDays && facts.complaints180d === 0 && contented)
    return { stage: 'stability', reasons, tenureDays };
  return { stage: 'formation', reasons, tenureDays };
}
