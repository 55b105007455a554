import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from '../database/model';
import type { RelationshipStage, RiskReason } from './relationship-stage';
import type { QuarterSatisfaction } from './satisfaction-index';

/** Counts keyed by a label (intent, category, building, month, age bucket). */
export type Tally = Record<string, number>;

export interface Spread {
  median: number | null;
  p90: number | null;
  count: number;
}

/**
 * One quarter's report, computed by the refresh from tickets and survey answers. A past
 * quarter is frozen once computed after it ended (`frozen`), so the refresh never reads
 * its cases again; `report refresh --rebuild` recomputes it.
 */
export interface QuarterSnapshot {
  _id: string;
  kind: 'quarter';
  quarter: string;
  frozen: boolean;
  computedAt: Date;
  /** 'demo' when the figures come from demo data (the database holds no real owner). */
  scope: 'real' | 'demo';
  satisfaction: QuarterSatisfaction;
  cases: {
    total: number;
    byKind: Tally;
    byIntent: Tally;
    byCategory: Tally;
    byBuilding: Tally;
    byMonth: Tally;
    reopened: number;
  };
  sla: {
    acknowledge: { met: number; breached: number; pending: number };
    resolve: { met: number; breached: number; pending: number };
    firstResponseMinutes: Spread;
    resolutionMinutes: Spread;
    /** The same, per SLA class (emergency, dissatisfaction, ...). */
    byClass: Record<string, { acknowledgeBreached: number; resolveBreached: number; total: number }>;
  };
  returnVisits: {
    resolved: number;
    rated: number;
    ratingSum: number;
    byRating: Tally;
    /** Ratings of 1-2, newest first (at most 20), for follow-up. */
    low: Array<{ reference: string; rating: number; comment: string; building: string }>;
  };
  complaints: {
    total: number;
    byCategory: Tally;
    /** Root causes as written (trimmed, case-folded for counting), most frequent first (top 10). */
    rootCauses: Array<{ text: string; count: number }>;
    actionsTotal: number;
    /** Corrective and preventive actions recorded, newest first (at most 50). */
    actions: Array<{
      reference: string;
      category: string;
      building: string;
      rootCause: string;
      correctiveAction: string;
      preventiveAction: string;
    }>;
  };
  breaches: {
    total: number;
    /** The cases that missed a deadline (at most 100, oldest first). */
    cases: Array<{
      reference: string;
      kind: string;
      category: string;
      building: string;
      assigneeName: string;
      deadlines: string[];
      status: string;
      createdAt: Date;
    }>;
  };
  /** Owners with two or more complaints in the quarter (at most 50, most first). */
  repeatComplainers: {
    total: number;
    owners: Array<{ ownerId: string; name: string; building: string; unit: string; complaints: number }>;
  };
}

export interface AtRiskOwner {
  ownerId: string;
  name: string;
  building: string;
  unit: string;
  reasons: RiskReason[];
  tenureDays: number;
  latestScore: number | null;
  previousScore: number | null;
  complaints90d: number;
  reopened180d: number;
}

/** What changes minute to minute: open cases, stages, the at-risk list. One document. */
export interface LiveSnapshot {
  _id: 'live';
  kind: 'live';
  computedAt: Date;
  scope: 'real' | 'demo';
  refreshMs: number;
  owners: { total: number; demo: number; real: number };
  quarters: string[];
  openCases: {
    total: number;
    byAge: Tally;
    /** The oldest open cases (at most 20). */
    oldest: Array<{
      reference: string;
      kind: string;
      building: string;
      assigneeName: string;
      createdAt: Date;
      status: string;
    }>;
  };
  stages: Record<RelationshipStage, number>;
  atRisk: { total: number; owners: AtRiskOwner[] };
}

const snapshotSchema = new Schema(
  { _id: { type: String, required: true }, kind: { type: String, required: true } },
  { strict: false, versionKey: false, minimize: false },
);

/** `report_snapshots`: a dozen small documents every dashboard view reads instead of the big collections. */
export function reportSnapshotModel(connection: Connection): Model<{ _id: string; kind: string }> {
  return modelOn<{ _id: string; kind: string }>(
    connection,
    'ReportSnapshot',
    snapshotSchema,
    'report_snapshots',
  );
}

/**
 * What the refresh learnt from survey answers, kept apart from the snapshots views read (it
 * holds one entry per owner). Answers change only while a campaign runs, so a refresh
 * reuses this instead of reading every answer again.
 */
export interface SurveyCache {
  _id: 'surveys';
  computedAt: Date;
  /** The campaign quarters and the demo-exclusion it was computed for; a change recomputes. */
  key: string;
  byQuarter: Record<string, QuarterSatisfaction>;
  /** Each owner's latest and previous overall score (objects: the embedded engine rejects nested arrays). */
  ownerScores: Array<{ ownerId: string; latest: number | null; previous: number | null }>;
}

const surveyCacheSchema = new Schema(
  { _id: { type: String, required: true } },
  { strict: false, versionKey: false, minimize: false },
);

export function surveyCacheModel(connection: Connection): Model<{ _id: string }> {
  return modelOn<{ _id: string }>(connection, 'ReportSurveyCache', surveyCacheSchema, 'report_survey_cache');
}
