import type { Connection } from 'mongoose';
import type { Clock } from '../clock';
import type { Logger } from '../logging/logger';
import { ownerModels } from '../owners/owner-model';
import { surveyModels } from '../surveys/survey-model';
import { DEFAULT_SLA_POLICY, type SlaPolicy } from '../tickets/sla';
import { periodKeys, ticketModels } from '../tickets/ticket-model';
import { ownerStages } from './owner-stages';
import { createQuarterTally } from './quarter-tally';
import { loadOwners, OWNER_FACTS_DAYS, readCases, surveyPart } from './report-reads';
import {
  reportSnapshotModel,
  surveyCacheModel,
  type LiveSnapshot,
  type QuarterSnapshot,
} from './report-snapshots';
import { quarterSatisfaction } from './satisfaction-index';

/** The quarter before `2026Q1` is `2025Q4`. */
export function previousQuarter(quarter: string): string {
  const year = Number(quarter.slice(0, 4));
  const q = Number(quarter.slice(5));
  return q === 1 ? `${year - 1}Q4` : `${year}Q${q - 1}`;
}

export const isQuarter = (value: string): boolean => /^\d{4}Q[1-4]$/.test(value);

const DAY = 86_400_000;

/** What a refresh reads and writes. */
interface RefreshModels {
  Snapshots: ReturnType<typeof reportSnapshotModel>;
  SurveyCaches: ReturnType<typeof surveyCacheModel>;
  Tickets: ReturnType<typeof ticketModels>['Tickets'];
  Owners: ReturnType<typeof ownerModels>['owners'];
  surveys: ReturnType<typeof surveyModels>;
  policy: SlaPolicy;
  timeZone: string;
  clock: Clock;
  logger?: Logger;
}

/**
 * The quarters whose cases a refresh after the first must read: the current one, every one not
 * frozen yet (a quarter that just ended is recounted once more and frozen), and those of the
 * last `OWNER_FACTS_DAYS` (each owner's recent complaints). Open cases of other quarters are
 * read as well (readCases).
 */
export function quartersToRecount(input: {
  now: Date;
  timeZone: string;
  current: string;
  surveyQuarters: string[];
  known: Array<{ quarter: string; frozen: boolean }>;
}): string[] {
  const { now, timeZone } = input;
  const frozen = new Set(input.known.filter((s) => s.frozen).map((s) => s.quarter));
  const quarters = new Set([input.current]);
  for (const quarter of [...input.surveyQuarters, ...input.known.map((s) => s.quarter)])
    if (!frozen.has(quarter)) quarters.add(quarter);
  // A day more than the window, so a case stored in another time zone's quarter is not missed.
  const since = now.getTime() - (OWNER_FACTS_DAYS + 1) * DAY;
  for (let at = since; at < now.getTime(); at += 10 * DAY)
    quarters.add(periodKeys(new Date(at), timeZone).quarter);
  return [...quarters].sort();
}

/** One refresh: every quarter not frozen (all with `rebuild`) and the live snapshot, written and returned. */
async function computeSnapshots(m: RefreshModels, options: { rebuild: boolean }): Promise<LiveSnapshot> {
  const { Snapshots, Tickets, Owners, SurveyCaches, surveys, policy, timeZone } = m;
  const started = performance.now();
  const now = m.clock.now();
  const current = periodKeys(now, timeZone).quarter;
  const { owners, demoIds, scope, excluded } = await loadOwners(Owners);
  const known = options.rebuild
    ? []
    : ((await Snapshots.find({ kind: 'quarter' }, { quarter: 1, frozen: 1 }).lean()) as unknown as Array<
        Pick<QuarterSnapshot, 'quarter' | 'frozen'>
      >);
  const frozen = new Set(known.filter((s) => s.frozen).map((s) => s.quarter));
  const campaigns = await surveys.Campaigns.find(
    {},
    { quarter: 1, status: 1, startedAt: 1, finishedAt: 1 },
  ).lean();
  const surveyQuarters = [...new Set(campaigns.map((c) => c.quarter).filter(isQuarter))].sort();
  // After a first refresh every quarter with cases has a snapshot, so a later one reads only
  // the cases that can still change a figure (see quartersToRecount); otherwise every case.
  const firstRefresh = options.rebuild || !(await Snapshots.exists({ _id: 'live' }));
  const quarters = firstRefresh
    ? undefined
    : quartersToRecount({ now, timeZone, current, surveyQuarters, known });
  const tallies = new Map<string, ReturnType<typeof createQuarterTally>>();
  const tally = (quarter: string) => {
    if (frozen.has(quarter) || (quarters && !quarters.includes(quarter))) return undefined;
    if (!tallies.has(quarter)) tallies.set(quarter, createQuarterTally(quarter));
    return tallies.get(quarter);
  };
  for (const quarter of [...surveyQuarters, current]) tally(quarter);
  const { facts, open } = await readCases(
    { Tickets, policy },
    { now, owners, excluded, tally, ...(quarters ? { quarters } : {}) },
  );

  const surveyFigures = await surveyPart(
    { SurveyCaches, surveys, clock: m.clock },
    campaigns,
    surveyQuarters,
    current,
    excluded,
    options.rebuild,
  );
  const noSurvey = quarterSatisfaction([], { sent: 0, answered: 0, completed: 0 });
  const computedAt = m.clock.now();
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
  m.logger?.info(
    { refreshMs: snapshot.refreshMs, quarters: [...tallies.keys()], atRisk: atRisk.length },
    'Report snapshots refreshed',
  );
  return snapshot;
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
  const timeZone = deps.timeZone ?? 'Asia/Shanghai';
  let running: Promise<LiveSnapshot> | undefined;

  const models: RefreshModels = {
    Snapshots,
    SurveyCaches: surveyCacheModel(deps.connection),
    Tickets: ticketModels(deps.connection).Tickets,
    Owners: ownerModels(deps.connection).owners,
    surveys: surveyModels(deps.connection),
    policy: deps.slaPolicy ?? DEFAULT_SLA_POLICY,
    timeZone,
    clock: deps.clock,
    ...(deps.logger ? { logger: deps.logger } : {}),
  };
  const compute = (options: { rebuild: boolean }) => computeSnapshots(models, options);

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
