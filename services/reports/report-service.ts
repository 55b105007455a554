import type { Connection } from 'mongoose';
import type { Clock } from '../clock';
import type { Logger } from '../logging/logger';
import { ownerModels } from '../owners/owner-model';
import { surveyModels } from '../surveys/survey-model';
import { DEFAULT_SLA_POLICY, type SlaPolicy } from '../tickets/sla';
import { periodKeys, ticketModels } from '../tickets/ticket-model';
import { AGE_BUCKETS, CASE_FIELDS, ageBucket, caseFacts, spread, type CaseRow } from './case-facts';
import {
  RELATIONSHIP_STAGES,
  relationshipStage,
  type OwnerFacts,
  type RelationshipStage,
} from './relationship-stage';
import {
  reportSnapshotModel,
  surveyCacheModel,
  type AtRiskOwner,
  type SurveyCache,
  type LiveSnapshot,
  type QuarterSnapshot,
  type Tally,
} from './report-snapshots';
import { loadSatisfaction, quarterSatisfaction } from './satisfaction-index';

const DAY = 86_400_000;
const inc = (tally: Tally, key: string, by = 1) => {
  tally[key || 'unknown'] = (tally[key || 'unknown'] ?? 0) + by;
};

/** The quarter before `2026Q1` is `2025Q4`. */
export function previousQuarter(quarter: string): string {
  const year = Number(quarter.slice(0, 4));
  const q = Number(quarter.slice(5));
  return q === 1 ? `${year - 1}Q4` : `${year}Q${q - 1}`;
}

export const isQuarter = (value: string): boolean => /^\d{4}Q[1-4]$/.test(value);

interface OwnerInfo {
  name: string;
  building: string;
  unit: string;
  createdAt: Date;
  demo: boolean;
}

function emptyQuarter(
  quarter: string,
): Omit<QuarterSnapshot, 'satisfaction' | 'computedAt' | 'frozen' | 'scope'> {
  return {
    _id: `quarter:${quarter}`,
    kind: 'quarter',
    quarter,
    cases: { total: 0, byKind: {}, byIntent: {}, byCategory: {}, byBuilding: {}, byMonth: {}, reopened: 0 },
    sla: {
      acknowledge: { met: 0, breached: 0, pending: 0 },
      resolve: { met: 0, breached: 0, pending: 0 },
      firstResponseMinutes: { median: null, p90: null, count: 0 },
      resolutionMinutes: { median: null, p90: null, count: 0 },
      byClass: {},
    },
    returnVisits: { resolved: 0, rated: 0, ratingSum: 0, byRating: {}, low: [] },
    complaints: { total: 0, byCategory: {}, rootCauses: [], actionsTotal: 0, actions: [] },
    breaches: { total: 0, cases: [] },
    repeatComplainers: { total: 0, owners: [] },
  };
}

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
    const key = `${surveyQuarters.join(',')}|${excluded.size}`;
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

  async function compute(options: { rebuild: boolean }): Promise<LiveSnapshot> {
    const started = performance.now();
    const now = deps.clock.now();
    const current = periodKeys(now, timeZone).quarter;

    const owners = new Map<string, OwnerInfo>();
    const ownerCursor = Owners.find({}, { name: 1, building: 1, unit: 1, createdAt: 1, demo: 1 })
      .lean()
      .cursor({ batchSize: 2000 });
    for await (const o of ownerCursor) owners.set(String(o._id), o);
    const demoIds = [...owners].filter(([, o]) => o.demo).map(([id]) => id);
    const scope: 'real' | 'demo' = owners.size > 0 && demoIds.length === owners.size ? 'demo' : 'real';
    const excluded = scope === 'real' ? new Set(demoIds) : new Set<string>();

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
    const quarters = new Map<string, ReturnType<typeof emptyQuarter>>();
    const timings = new Map<string, { response: number[]; resolution: number[] }>();
    const complaintsOf = new Map<string, Map<string, number>>();
    const rootCauses = new Map<string, Map<string, { text: string; count: number }>>();
    const accumulator = (quarter: string) => {
      let q = quarters.get(quarter);
      if (!q) {
        q = emptyQuarter(quarter);
        quarters.set(quarter, q);
        timings.set(quarter, { response: [], resolution: [] });
        complaintsOf.set(quarter, new Map());
        rootCauses.set(quarter, new Map());
      }
      return q;
    };
    for (const quarter of [...surveyQuarters, current]) if (!frozen.has(quarter)) accumulator(quarter);

    const facts = new Map<string, { complaints90d: number; complaints180d: number; reopened180d: number }>();
    const factsOf = (ownerId: string) => {
      let f = facts.get(ownerId);
      if (!f) {
        f = { complaints90d: 0, complaints180d: 0, reopened180d: 0 };
        facts.set(ownerId, f);
      }
      return f;
    };
    const live: LiveSnapshot['openCases'] = {
      total: 0,
      byAge: Object.fromEntries(AGE_BUCKETS.map((b) => [b.key, 0])),
      oldest: [],
    };

    const projection = Object.fromEntries(CASE_FIELDS.map((f) => [f, 1]));
    // Small batches: each one must come back within the driver's 30 s socket timeout even
    // from a busy embedded engine, which decodes every case in full (about 1 ms each).
    // Oldest first: the first wording of a root cause names it, and the recent actions are the last ones.
    const cursor = Tickets.find({}, projection)
      .sort({ createdAt: 1, _id: 1 })
      .lean<CaseRow[]>()
      .cursor({ batchSize: 500 });
    for await (const ticket of cursor as AsyncIterable<CaseRow>) {
      if (ticket.ownerId && excluded.has(ticket.ownerId)) continue;
      const f = caseFacts(ticket, now, policy);
      const age = now.getTime() - ticket.createdAt.getTime();
      if (f.open) {
        live.total++;
        inc(live.byAge, ageBucket(ticket.createdAt, now));
        live.oldest.push({
          reference: ticket.reference,
          kind: ticket.kind,
          building: ticket.building,
          assigneeName: ticket.assigneeName,
          createdAt: ticket.createdAt,
          status: ticket.status,
        });
        if (live.oldest.length > 40) {
          live.oldest.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
          live.oldest.length = 20;
        }
      }
      if (ticket.ownerId && age < 180 * DAY) {
        const of = factsOf(ticket.ownerId);
        if (f.complaint) {
          of.complaints180d++;
          if (age < 90 * DAY) of.complaints90d++;
        }
        of.reopened180d += f.reopens;
      }

      if (frozen.has(ticket.quarter)) continue;
      const q = accumulator(ticket.quarter);
      q.cases.total++;
      inc(q.cases.byKind, ticket.kind);
      inc(q.cases.byIntent, ticket.intent);
      inc(q.cases.byCategory, ticket.category);
      inc(q.cases.byBuilding, ticket.building);
      inc(q.cases.byMonth, ticket.month);
      if (f.reopens > 0) q.cases.reopened++;
      q.sla.acknowledge[f.acknowledge]++;
      q.sla.resolve[f.resolve]++;
      const byClass = (q.sla.byClass[ticket.slaClass] ??= {
        acknowledgeBreached: 0,
        resolveBreached: 0,
        total: 0,
      });
      byClass.total++;
      if (f.acknowledge === 'breached') byClass.acknowledgeBreached++;
      if (f.resolve === 'breached') byClass.resolveBreached++;
      const t = timings.get(ticket.quarter);
      if (t && f.firstResponseMinutes !== null) t.response.push(f.firstResponseMinutes);
      if (t && f.resolutionMinutes !== null) t.resolution.push(f.resolutionMinutes);
      if (f.resolutionMinutes !== null) q.returnVisits.resolved++;
      const rating = ticket.returnVisit?.rating;
      if (typeof rating === 'number') {
        q.returnVisits.rated++;
        q.returnVisits.ratingSum += rating;
        inc(q.returnVisits.byRating, String(rating));
        if (rating <= 2)
          q.returnVisits.low.push({
            reference: ticket.reference,
            rating,
            comment: ticket.returnVisit.comment ?? '',
            building: ticket.building,
          });
      }
      if (f.acknowledge === 'breached' || f.resolve === 'breached') {
        q.breaches.total++;
        q.breaches.cases.push({
          reference: ticket.reference,
          kind: ticket.kind,
          category: ticket.category,
          building: ticket.building,
          assigneeName: ticket.assigneeName,
          deadlines: [
            ...(f.acknowledge === 'breached' ? ['acknowledge'] : []),
            ...(f.resolve === 'breached' ? ['resolve'] : []),
          ],
          status: ticket.status,
          createdAt: ticket.createdAt,
        });
        if (q.breaches.cases.length > 200) {
          q.breaches.cases.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
          q.breaches.cases.length = 100;
        }
      }
      if (f.complaint) {
        q.complaints.total++;
        inc(q.complaints.byCategory, ticket.category);
        if (ticket.ownerId) {
          const perOwner = complaintsOf.get(ticket.quarter) as Map<string, number>;
          perOwner.set(ticket.ownerId, (perOwner.get(ticket.ownerId) ?? 0) + 1);
        }
        const summary = ticket.summary;
        if (summary && (summary.rootCause || summary.correctiveAction || summary.preventiveAction)) {
          q.complaints.actionsTotal++;
          q.complaints.actions.push({
            reference: ticket.reference,
            category: ticket.category,
            building: ticket.building,
            rootCause: summary.rootCause ?? '',
            correctiveAction: summary.correctiveAction ?? '',
            preventiveAction: summary.preventiveAction ?? '',
          });
          if (q.complaints.actions.length > 100) q.complaints.actions.splice(0, 50);
          const key = (summary.rootCause ?? '').trim().toLowerCase();
          if (key) {
            const causes = rootCauses.get(ticket.quarter) as Map<string, { text: string; count: number }>;
            const cause = causes.get(key) ?? { text: (summary.rootCause ?? '').trim(), count: 0 };
            cause.count++;
            causes.set(key, cause);
          }
        }
      }
    }
    live.oldest.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
    live.oldest = live.oldest.slice(0, 20);

    const computing = [...quarters.keys()].sort();
    const surveyFigures = await surveyPart(campaigns, surveyQuarters, current, excluded, options.rebuild);
    const noSurvey = quarterSatisfaction([], { sent: 0, answered: 0, completed: 0 });
    const computedAt = deps.clock.now();
    for (const quarter of computing) {
      const q = quarters.get(quarter) as ReturnType<typeof emptyQuarter>;
      const t = timings.get(quarter) as { response: number[]; resolution: number[] };
      q.sla.firstResponseMinutes = spread(t.response);
      q.sla.resolutionMinutes = spread(t.resolution);
      q.breaches.cases.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
      q.breaches.cases = q.breaches.cases.slice(0, 100);
      q.complaints.actions = q.complaints.actions.slice(-50).reverse();
      q.returnVisits.low = q.returnVisits.low.slice(-20).reverse();
      q.complaints.rootCauses = [
        ...(rootCauses.get(quarter) as Map<string, { text: string; count: number }>).values(),
      ]
        .sort((a, b) => b.count - a.count || a.text.localeCompare(b.text))
        .slice(0, 10);
      const repeat = [...(complaintsOf.get(quarter) as Map<string, number>)]
        .filter(([, n]) => n >= 2)
        .sort((a, b) => b[1] - a[1]);
      q.repeatComplainers = {
        total: repeat.length,
        owners: repeat.slice(0, 50).map(([ownerId, complaints]) => {
          const o = owners.get(ownerId);
          return {
            ownerId,
            name: o?.name ?? '',
            building: o?.building ?? '',
            unit: o?.unit ?? '',
            complaints,
          };
        }),
      };
      const snapshot: QuarterSnapshot = {
        ...q,
        // Cases of a past quarter can still change after it ends; the report shows it as it closed.
        frozen: quarter < current,
        computedAt,
        scope,
        satisfaction: surveyFigures.byQuarter[quarter] ?? noSurvey,
      };
      await Snapshots.replaceOne({ _id: snapshot._id }, snapshot, { upsert: true });
    }

    const scores = new Map(surveyFigures.ownerScores.map((entry) => [entry.ownerId, entry]));
    const stages = Object.fromEntries(RELATIONSHIP_STAGES.map((s) => [s, 0])) as Record<
      RelationshipStage,
      number
    >;
    const atRisk: AtRiskOwner[] = [];
    let inScope = 0;
    for (const [ownerId, owner] of owners) {
      if (excluded.has(ownerId)) continue;
      inScope++;
      const score = scores.get(ownerId);
      const counts = facts.get(ownerId) ?? { complaints90d: 0, complaints180d: 0, reopened180d: 0 };
      const ownerFacts: OwnerFacts = {
        since: owner.createdAt,
        latestScore: score?.latest ?? null,
        previousScore: score?.previous ?? null,
        ...counts,
      };
      const { stage, reasons, tenureDays } = relationshipStage(ownerFacts, now);
      stages[stage]++;
      if (stage === 'degradation')
        atRisk.push({
          ownerId,
          name: owner.name,
          building: owner.building,
          unit: owner.unit,
          reasons,
          tenureDays,
          latestScore: ownerFacts.latestScore,
          previousScore: ownerFacts.previousScore,
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
      openCases: live,
      stages,
      atRisk: { total: atRisk.length, owners: atRisk.slice(0, 200) },
    };
    await Snapshots.replaceOne({ _id: 'live' }, snapshot, { upsert: true });
    deps.logger?.info(
      { refreshMs: snapshot.refreshMs, quarters: computing, atRisk: atRisk.length },
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
