import { RELATIONSHIP_STAGES, relationshipStage, type RelationshipStage } from './relationship-stage';
import type { AtRiskOwner } from './report-snapshots';

/** What the refresh knows of an owner from the owner file. */
export interface OwnerInfo {
  name: string;
  building: string;
  unit: string;
  createdAt: Date;
  demo: boolean;
}

/** What an owner's cases of the last 180 days say. */
export interface OwnerCaseFacts {
  complaints90d: number;
  complaints180d: number;
  reopened180d: number;
}

/**
 * Every owner's relationship stage, and the at-risk owners with their reasons (most reasons,
 * then most recent complaints, first). Owners in `excluded` (demo owners next to real ones) are left out.
 */
export function ownerStages(input: {
  owners: Map<string, OwnerInfo>;
  excluded: Set<string>;
  facts: Map<string, OwnerCaseFacts>;
  scores: Map<string, { latest: number | null; previous: number | null }>;
  now: Date;
}): { stages: Record<RelationshipStage, number>; atRisk: AtRiskOwner[]; inScope: number } {
  const stages = Object.fromEntries(RELATIONSHIP_STAGES.map((s) => [s, 0])) as Record<
    RelationshipStage,
    number
  >;
  const atRisk: AtRiskOwner[] = [];
  let inScope = 0;
  for (const [ownerId, owner] of input.owners) {
    if (input.excluded.has(ownerId)) continue;
    inScope++;
    const score = input.scores.get(ownerId);
    const counts = input.facts.get(ownerId) ?? { complaints90d: 0, complaints180d: 0, reopened180d: 0 };
    const latestScore = score?.latest ?? null;
    const previousScore = score?.previous ?? null;
    const { stage, reasons, tenureDays } = relationshipStage(
      { since: owner.createdAt, latestScore, previousScore, ...counts },
      input.now,
    );
    stages[stage]++;
    if (stage !== 'degradation') continue;
    atRisk.push({
      ownerId,
      name: owner.name,
      building: owner.building,
      unit: owner.unit,
      reasons,
      tenureDays,
      latestScore,
      previousScore,
      complaints90d: counts.complaints90d,
      reopened180d: counts.reopened180d,
    });
  }
  atRisk.sort(
    (a, b) =>
      b.reasons.length - a.reasons.length ||
      b.complaints90d - a.complaints90d ||
      a.building.localeCompare(b.building) ||
      a.unit.localeCompare(b.unit),
  );
  return { stages, atRisk, inScope };
}
