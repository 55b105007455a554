import type { Connection } from 'mongoose';
import type { Clock } from '../clock';
import type { Logger } from '../logging/logger';
import { ownerModels } from '../owners/owner-model';
import { surveyModels } from '../surveys/survey-model';
import { DEFAULT_SLA_POLICY, type SlaPolicy } from '../tickets/sla';
import { periodKeys, ticketModels } from '../tickets/ticket-model';
import { AGE_BUCKETS, CASE_FIELDS, ageBucket, caseFacts, type CaseFacts, type CaseRow } from './case-facts';
import { ownerStages, type OwnerCaseFacts, type OwnerInfo } from './owner-stages';
import { createQuarterTally, inc } from './quarter-tally';
import {
  reportSnapshotModel,
  surveyCacheModel,
  type SurveyCache,
  type LiveSnapshot,
  type QuarterSnapshot,
} from './report-snapshots';
import { loadSatisfaction, quarterSatisfaction } from './satisfaction-index';

const DAY = 86_400_000;
/** Bumped when the survey figures gain a part (per building): older caches are recomputed. */
const SURVEY_CACHE_VERSION = 'v2';

/** The quarter before `2026Q1` is `2025Q4`. */
export function previousQuarter(quarter: string): string {
  const year = Number(quarter.slice(0, 4));
  const q = Number(quarter.slice(5));
  return q === 1 ? `${year - 1}Q4` : `${year}Q${q - 1}`;
}

export const isQuarter = (value: string): boolean => /^\d{4}Q[1-4]$/.test(value);

/**
 * Keeps the report snapshots current and reads them. `refresh` is the only code that reads
 * the big collections (owners and tickets once each; survey answers and responses once
 * each, and only while a campaign runs or just ended); every dashboard
 * view reads `report_snapshots` alone, so a view costs the same at 50 owners or 20,000.
 * Demo owners are left out whenever the database holds real owners; a database of demo
 * owners only is reported as such (`scope: 'demo'`).
 */
export function createReportService(deps: {
  connection: Connection;
  clock: Clock;
  logger?: Logger;
  slaPolicy?: SlaPolicy;
  timeZone?: string;
}) {
  const Snapshots = reportSnapshotModel(deps.connection);
  const SurveyCaches = surveyCacheModel(deps.connection);
  const { Tickets } = ticketModels(deps.connection);
  const { owners: Owners } = ownerModels(deps.connection);
  const surveys = surveyModels(deps.connection);
  const policy = deps.slaPolicy ?? DEFAULT_SLA_POLICY;
  const timeZone = deps.timeZone ?? 'Asia/Shanghai';
  let running: Promise<LiveSnapshot> | undefined;

  /**
   * Satisfaction per quarter and each owner's last two overall scores. Answers change only
   * while a campaign runs, so the cached figures are reused unless a campaign is running or
   * ended after they were computed (or the campaigns or demo exclusion changed).
   */
  async function surveyPart(
    campaigns: Array<{ quarter: string; status: string; startedAt: Date; finishedAt: Date | null }>,
    surveyQuarters: string[],
    current: string,
    excluded: Set<string>,
    rebuild: boolean,
  ): Promise<Pick<SurveyCache, 'byQuarter' | 'ownerScores'>> {
    const key = `${SURVEY_CACHE_VERSION}|${surveyQuarters.join(',')}|${excluded.size}`;
    const cached = rebuild
      ? undefined
      : ((await SurveyCaches.findById('surveys').lean()) as SurveyCache | null);
    const fresh =
      cached &&
      cached.key === key &&
      campaigns.every(
        (c) =>
          c.status !== 'running' && (c.finishedAt ?? c.startedAt).getTime() < cached.computedAt.getTime(),
      );
    if (fresh) return cached;
    const computedAt = deps.clock.now();
    // Each owner's overall score in the last four survey quarters, gathered in the same pass.
    const scoreQuarters = new Set(surveyQuarters.filter((q) => q <= current).slice(-4));
    const scores = new Map<string, Array<{ quarter: string; score: number }>>();
    const byQuarter = Object.fromEntries(
      await loadSatisfaction(surveys, surveyQuarters, excluded, (answer) => {
        if (!scoreQuarters.has(answer.quarter)) return;
        const list = scores.get(answer.ownerId) ?? [];
        list.push(answer);
        scores.set(answer.ownerId, list);
      }),
    );
    const ownerScores: SurveyCache['ownerScores'] = [...scores].map(([ownerId, list]) => {
      list.sort((a, b) => b.quarter.localeCompare(a.quarter));
      return { ownerId, latest: list[0]?.score ?? null, previous: list[1]?.score ?? null };
    });
    const cache: SurveyCache = { _id: 'surveys', computedAt, key, byQuarter, ownerScores };
    await SurveyCaches.replaceOne({ _id: 'surveys' }, cache, { upsert: true });
    return cache;
  }

  /** The owner file once: names and homes, and which owners are demo ones to leave out. */
  async function loadOwners() {
    const owners = new Map<string, OwnerInfo>();
    const cursor = Owners.find({}, { name: 1, building: 1, unit: 1, createdAt: 1, demo: 1 })
      .lean()
      .cursor({ batchSize: 2000 });
    for await (const o of cursor) owners.set(String(o._id), o);
    const demoIds = [...owners].filter(([, o]) => o.demo).map(([id]) => id);
    const scope: 'real' | 'demo' = owners.size > 0 && demoIds.length === owners.size ? 'demo' : 'real';
    const excluded = scope === 'real' ? new Set(demoIds) : new Set<string>();
    return { owners, demoIds, scope, excluded };
  }

  /**
   * One pass over every case, oldest first: open cases by age, each owner's recent complaints
   * and reopenings, and the figures of each quarter not frozen. A case stored without its
   * building and unit takes them from its owner's record.
   */
  async function readCases(input: {
    now: Date;
    owners: Map<string, OwnerInfo>;
    excluded: Set<string>;
    tally: (quarter: string) => ReturnType<typeof createQuarterTally> | undefined;
  }) {
    const { now } = input;
    const facts = new Map<string, OwnerCaseFacts>();
    const open: LiveSnapshot['openCases'] = {
      total: 0,
      byAge: Object.fromEntries(AGE_BUCKETS.map((b) => [b.key, 0])),
      oldest: [],
    };
    const projection = Object.fromEntries(CASE_FIELDS.map((f) => [f, 1]));
    // Small batches: each one must come back within the driver's 30 s socket timeout even
    // from a busy embedded engine, which decodes every case in full (about 1 ms each).
    const cursor = Tickets.find({}, projection)
      .sort({ createdAt: 1, _id: 1 })
      .lean<CaseRow[]>()
      .cursor({ batchSize: 500 });
    for await (const stored of cursor as AsyncIterable<CaseRow>) {
      if (stored.ownerId && input.excluded.has(stored.ownerId)) continue;
      const ticket = withHome(stored, input.owners);
      const f = caseFacts(ticket, now, policy);
      if (f.open) countOpen(open, ticket, now);
      if (ticket.ownerId && now.getTime() - ticket.createdAt.getTime() < 180 * DAY)
        countOwnerFacts(facts, ticket, f, now);
      input.tally(ticket.quarter)?.add(ticket, f);
    }
    open.oldest = open.oldest.slice(0, 20);
    return { facts, open };
  }

  async function compute(options: { rebuild: boolean }): Promise<LiveSnapshot> {
    const started = performance.now();
    const now = deps.clock.now();
    const current = periodKeys(now, timeZone).quarter;
    const { owners, demoIds, scope, excluded } = await loadOwners();
    const frozen = new Set(
      options.rebuild
        ? []
        : (await Snapshots.find({ kind: 'quarter', frozen: true }, { quarter: 1 }).lean()).map(
            (s) => (s as unknown as { quarter: string }).quarter,
          ),
    );
    const campaigns = await surveys.Campaigns.find(
      {},
      { quarter: 1, status: 1, startedAt: 1, finishedAt: 1 },
    ).lean();
    const surveyQuarters = [...new Set(campaigns.map((c) => c.quarter).filter(isQuarter))].sort();
    const tallies = new Map<string, ReturnType<typeof createQuarterTally>>();
    const tally = (quarter: string) => {
      if (frozen.has(quarter)) return undefined;
      if (!tallies.has(quarter)) tallies.set(quarter, createQuarterTally(quarter));
      return tallies.get(quarter);
    };
    for (const quarter of [...surveyQuarters, current]) tally(quarter);
    const { facts, open } = await readCases({ now, owners, excluded, tally });

    const surveyFigures = await surveyPart(campaigns, surveyQuarters, current, excluded, options.rebuild);
    const noSurvey = quarterSatisfaction([], { sent: 0, answered: 0, completed: 0 });
    const computedAt = deps.clock.now();
    for (const [quarter, counted] of [...tallies].sort(([a], [b]) => a.localeCompare(b))) {
      const snapshot: QuarterSnapshot = {
        ...counted.finish((id) => owners.get(id)),
        // Cases of a past quarter can still change after it ends; the report shows it as it closed.
        frozen: quarter < current,
        computedAt,
        scope,
        satisfaction: surveyFigures.byQuarter[quarter] ?? noSurvey,
      };
      await Snapshots.replaceOne({ _id: snapshot._id }, snapshot, { upsert: true });
    }
    const scores = new Map(surveyFigures.ownerScores.map((entry) => [entry.ownerId, entry]));
    const { stages, atRisk, inScope } = ownerStages({ owners, excluded, facts, scores, now });
    const allQuarters = (await Snapshots.find({ kind: 'quarter' }, { quarter: 1 }).lean()).map(
      (s) => (s as unknown as { quarter: string }).quarter,
    );
    const snapshot: LiveSnapshot = {
      _id: 'live',
      kind: 'live',
      computedAt,
      scope,
      refreshMs: Math.round(performance.now() - started),
      owners: { total: inScope, demo: demoIds.length, real: owners.size - demoIds.length },
      quarters: allQuarters.sort(),
      openCases: open,
      stages,
      atRisk: { total: atRisk.length, owners: atRisk.slice(0, 200) },
    };
    await Snapshots.replaceOne({ _id: 'live' }, snapshot, { upsert: true });
    deps.logger?.info(
      { refreshMs: snapshot.refreshMs, quarters: [...tallies.keys()], atRisk: atRisk.length },
      'Report snapshots refreshed',
    );
    return snapshot;
  }

  return {
    /**
     * Recomputes the live snapshot and every quarter not frozen yet (all of them with
     * `rebuild`). Concurrent calls in one process share one run; two instances may both
     * run, and the last write wins with the same figures.
     */
    refresh(options: { rebuild?: boolean } = {}): Promise<LiveSnapshot> {
      running ??= compute({ rebuild: options.rebuild === true }).finally(() => {
        running = undefined;
      });
      return running;
    },

    /** True while a refresh runs in this process. */
    get refreshing(): boolean {
      return running !== undefined;
    },

    /** The live snapshot, or undefined before the first refresh. */
    async live(): Promise<LiveSnapshot | undefined> {
      return ((await Snapshots.findById('live').lean()) as LiveSnapshot | null) ?? undefined;
    },

    /** Every quarter snapshot, oldest first (a few per year). */
    async quarters(): Promise<QuarterSnapshot[]> {
      const docs = (await Snapshots.find({ kind: 'quarter' }).lean()) as unknown as QuarterSnapshot[];
      return docs.sort((a, b) => a.quarter.localeCompare(b.quarter));
    },

    /** One quarter's snapshot, or undefined when it was never computed. */
    async quarter(quarter: string): Promise<QuarterSnapshot | undefined> {
      return ((await Snapshots.findById(`quarter:${quarter}`).lean()) as QuarterSnapshot | null) ?? undefined;
    },

    /** The quarter `now` falls in, in the report time zone. */
    currentQuarter(): string {
      return periodKeys(deps.clock.now(), timeZone).quarter;
    },
  };
}

export type ReportService = ReturnType<typeof createReportService>;

/** A case with its building and unit, taken from its owner's record when it was stored without them. */
function withHome(ticket: CaseRow, owners: Map<string, OwnerInfo>): CaseRow {
  if (ticket.building || !ticket.ownerId) return ticket;
  const owner = owners.get(ticket.ownerId);
  return owner ? { ...ticket, building: owner.building, unit: ticket.unit || owner.unit } : ticket;
}

function countOpen(open: LiveSnapshot['openCases'], ticket: CaseRow, now: Date): void {
  open.total++;
  inc(open.byAge, ageBucket(ticket.createdAt, now));
  // Oldest first: the first twenty are the oldest open cases.
  if (open.oldest.length >= 20) return;
  open.oldest.push({
    reference: ticket.reference,
    kind: ticket.kind,
    building: ticket.building,
    assigneeName: ticket.assigneeName,
    createdAt: ticket.createdAt,
    status: ticket.status,
  });
}

function countOwnerFacts(facts: Map<string, OwnerCaseFacts>, ticket: CaseRow, f: CaseFacts, now: Date): void {
  const of = facts.get(ticket.ownerId) ?? { complaints90d: 0, complaints180d: 0, reopened180d: 0 };
  if (f.complaint) {
    of.complaints180d++;
    if (now.getTime() - ticket.createdAt.getTime() < 90 * DAY) of.complaints90d++;
  }
  of.reopened180d += f.reopens;
  facts.set(ticket.ownerId, of);
}
