import type { CaseFacts, CaseRow } from './case-facts';
import { spread } from './case-facts';
import { firstBy, newestFirst, oldestFirst, type FirstBy } from './first-by';
import type { QuarterSnapshot, Tally } from './report-snapshots';

/** A quarter's figures without the survey part, as the case pass fills them. */
export type QuarterCases = Omit<QuarterSnapshot, 'satisfaction' | 'computedAt' | 'frozen' | 'scope'>;

export const inc = (tally: Tally, key: string, by = 1) => {
  tally[key || 'unknown'] = (tally[key || 'unknown'] ?? 0) + by;
};

/** A quarter before any case was counted. */
export function emptyQuarter(quarter: string): QuarterCases {
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

type Dated<T> = { createdAt: Date; entry: T };
type Breach = QuarterCases['breaches']['cases'][number];
type LowRating = Dated<QuarterCases['returnVisits']['low'][number]>;
type Action = Dated<QuarterCases['complaints']['actions'][number]>;

/** A quarter's counts while its cases pass (in any order), with what is needed to finish them. */
interface TallyState {
  q: QuarterCases;
  times: { response: number[]; resolution: number[] };
  complaintsOf: Map<string, number>;
  causes: Map<string, { text: string; count: number; firstAt: number }>;
  /** The 100 oldest breaches, the 20 newest low ratings and the 50 newest complaint actions. */
  breaches: FirstBy<Breach>;
  lowRatings: FirstBy<LowRating>;
  actions: FirstBy<Action>;
}

function countSla({ q, times, breaches }: TallyState, ticket: CaseRow, f: CaseFacts): void {
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
  if (f.firstResponseMinutes !== null) times.response.push(f.firstResponseMinutes);
  if (f.resolutionMinutes !== null) times.resolution.push(f.resolutionMinutes);
  if (f.acknowledge !== 'breached' && f.resolve !== 'breached') return;
  q.breaches.total++;
  breaches.add({
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
}

function countReturnVisit({ q, lowRatings }: TallyState, ticket: CaseRow, f: CaseFacts): void {
  if (f.resolutionMinutes !== null) q.returnVisits.resolved++;
  const rating = ticket.returnVisit?.rating;
  if (typeof rating !== 'number') return;
  q.returnVisits.rated++;
  q.returnVisits.ratingSum += rating;
  inc(q.returnVisits.byRating, String(rating));
  if (rating <= 2)
    lowRatings.add({
      createdAt: ticket.createdAt,
      entry: {
        reference: ticket.reference,
        rating,
        comment: ticket.returnVisit.comment ?? '',
        building: ticket.building,
      },
    });
}

function countComplaint({ q, complaintsOf, causes, actions }: TallyState, ticket: CaseRow): void {
  q.complaints.total++;
  inc(q.complaints.byCategory, ticket.category);
  if (ticket.ownerId) complaintsOf.set(ticket.ownerId, (complaintsOf.get(ticket.ownerId) ?? 0) + 1);
  const summary = ticket.summary;
  if (!summary || !(summary.rootCause || summary.correctiveAction || summary.preventiveAction)) return;
  q.complaints.actionsTotal++;
  actions.add({
    createdAt: ticket.createdAt,
    entry: {
      reference: ticket.reference,
      category: ticket.category,
      building: ticket.building,
      rootCause: summary.rootCause ?? '',
      correctiveAction: summary.correctiveAction ?? '',
      preventiveAction: summary.preventiveAction ?? '',
    },
  });
  const key = (summary.rootCause ?? '').trim().toLowerCase();
  if (!key) return;
  // Spelled as in the quarter's oldest case with that cause, whatever order cases arrive in.
  const text = (summary.rootCause ?? '').trim();
  const at = ticket.createdAt.getTime();
  const cause = causes.get(key) ?? { text, count: 0, firstAt: at };
  if (at < cause.firstAt) Object.assign(cause, { text, firstAt: at });
  cause.count++;
  causes.set(key, cause);
}

/**
 * One quarter's running count over its cases (in any order), then `finish` for the snapshot:
 * tallies, SLA outcomes and times, return visits, breaches, complaints and their root causes.
 */
export function createQuarterTally(quarter: string) {
  const state: TallyState = {
    q: emptyQuarter(quarter),
    times: { response: [], resolution: [] },
    complaintsOf: new Map(),
    causes: new Map(),
    breaches: firstBy<Breach>(100, oldestFirst),
    lowRatings: firstBy<LowRating>(20, newestFirst),
    actions: firstBy<Action>(50, newestFirst),
  };
  const { q, times, complaintsOf, causes } = state;

  return {
    /** Counts one case of the quarter (its building already filled in from the owner when missing). */
    add(ticket: CaseRow, f: CaseFacts): void {
      q.cases.total++;
      inc(q.cases.byKind, ticket.kind);
      inc(q.cases.byIntent, ticket.intent);
      inc(q.cases.byCategory, ticket.category);
      inc(q.cases.byBuilding, ticket.building);
      inc(q.cases.byMonth, ticket.month);
      if (f.reopens > 0) q.cases.reopened++;
      countSla(state, ticket, f);
      countReturnVisit(state, ticket, f);
      if (f.complaint) countComplaint(state, ticket);
    },

    /** The quarter's figures, lists cut to size; repeat complainers named from the owner file. */
    finish(
      ownerOf: (id: string) => { name: string; building: string; unit: string } | undefined,
    ): QuarterCases {
      q.sla.firstResponseMinutes = spread(times.response);
      q.sla.resolutionMinutes = spread(times.resolution);
      q.breaches.cases = state.breaches.list();
      q.complaints.actions = state.actions.list().map((a) => a.entry);
      q.returnVisits.low = state.lowRatings.list().map((l) => l.entry);
      q.complaints.rootCauses = [...causes.values()]
        .sort((a, b) => b.count - a.count || a.text.localeCompare(b.text))
        .slice(0, 10)
        .map(({ text, count }) => ({ text, count }));
      const repeat = [...complaintsOf]
        .filter(([, n]) => n >= 2)
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
      q.repeatComplainers = {
        total: repeat.length,
        owners: repeat.slice(0, 50).map(([ownerId, complaints]) => {
          const o = ownerOf(ownerId);
          return {
            ownerId,
            name: o?.name ?? '',
            building: o?.building ?? '',
            unit: o?.unit ?? '',
            complaints,
          };
        }),
      };
      return q;
    },
  };
}
