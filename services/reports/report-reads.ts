import type { Model } from 'mongoose';
import { trusted } from '../database/connect';
import type { Clock } from '../clock';
import type { OwnerRecord } from '../owners/owner-model';
import type { surveyModels } from '../surveys/survey-model';
import type { SlaPolicy } from '../tickets/sla';
import type { TicketRecord } from '../tickets/ticket-model';
import {
  AGE_BUCKETS,
  CASE_FIELDS,
  OPEN_STATUSES,
  ageBucket,
  caseFacts,
  type CaseFacts,
  type CaseRow,
} from './case-facts';
import type { OwnerCaseFacts, OwnerInfo } from './owner-stages';
import { inc, type createQuarterTally } from './quarter-tally';
import type { LiveSnapshot, SurveyCache } from './report-snapshots';
import { loadSatisfaction } from './satisfaction-index';
import { firstBy, oldestFirst, type FirstBy } from './first-by';

/**
 * What a refresh reads from the big collections, each in one streamed pass: the owner file,
 * every case, and the survey answers (only when the cached figures are out of date).
 */

const DAY = 86_400_000;
type OpenCase = LiveSnapshot['openCases']['oldest'][number];
/** Bumped when the survey figures gain a part (per building): older caches are recomputed. */
const SURVEY_CACHE_VERSION = 'v2';

/**
 * Satisfaction per quarter and each owner's last two overall scores. Answers change only
 * while a campaign runs, so the cached figures are reused unless a campaign is running or
 * ended after they were computed (or the campaigns or demo exclusion changed).
 */
export async function surveyPart(
  models: {
    SurveyCaches: Model<{ _id: string }>;
    surveys: ReturnType<typeof surveyModels>;
    clock: Clock;
  },
  campaigns: Array<{ quarter: string; status: string; startedAt: Date; finishedAt: Date | null }>,
  surveyQuarters: string[],
  current: string,
  excluded: Set<string>,
  rebuild: boolean,
): Promise<Pick<SurveyCache, 'byQuarter' | 'ownerScores'>> {
  const key = `${SURVEY_CACHE_VERSION}|${surveyQuarters.join(',')}|${excluded.size}`;
  const cached = rebuild
    ? undefined
    : ((await models.SurveyCaches.findById('surveys').lean()) as SurveyCache | null);
  const fresh =
    cached &&
    cached.key === key &&
    campaigns.every(
      (c) => c.status !== 'running' && (c.finishedAt ?? c.startedAt).getTime() < cached.computedAt.getTime(),
    );
  if (fresh) return cached;
  const computedAt = models.clock.now();
  // Each owner's overall score in the last four survey quarters, gathered in the same pass.
  const scoreQuarters = new Set(surveyQuarters.filter((q) => q <= current).slice(-4));
  const scores = new Map<string, Array<{ quarter: string; score: number }>>();
  const byQuarter = Object.fromEntries(
    await loadSatisfaction(models.surveys, surveyQuarters, excluded, (answer) => {
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
  await models.SurveyCaches.replaceOne({ _id: 'surveys' }, cache, { upsert: true });
  return cache;
}

/** The owner file once: names and homes, and which owners are demo ones to leave out. */
export async function loadOwners(Owners: Model<OwnerRecord>) {
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

/** How far back an owner's cases count for their relationship stage. */
export const OWNER_FACTS_DAYS = 180;

/**
 * The cases a refresh reads: every case, or (`quarters` given) the cases of those quarters
 * and the open cases of any other, each an equality the database answers from its indexes.
 */
function casesToRead(models: { Tickets: Model<TicketRecord> }, quarters: string[] | undefined) {
  const projection = Object.fromEntries(CASE_FIELDS.map((f) => [f, 1]));
  const filters = quarters
    ? [
        ...quarters.map((quarter) => ({ quarter })),
        ...OPEN_STATUSES.map((status) => ({ status, quarter: trusted({ $nin: quarters }) })),
      ]
    : [{}];
  // Natural order, in small batches: the first batch comes back at once instead of after a
  // sort of the whole collection (which the embedded engine does in memory, past the
  // driver's 30 s socket timeout at 50,000 cases on a busy machine).
  return filters.map(
    (filter) =>
      models.Tickets.find(filter, projection)
        .lean<CaseRow[]>()
        .cursor({ batchSize: 500 }) as AsyncIterable<CaseRow>,
  );
}

/**
 * One pass over the cases, in any order: open cases by age (and the 20 oldest), each owner's
 * complaints and reopenings of the last `OWNER_FACTS_DAYS`, and the figures of each quarter
 * `tally` counts. `quarters`, when given, must include every quarter `tally` counts and every
 * quarter of the last `OWNER_FACTS_DAYS`; only their cases and the open ones are read. A case
 * stored without its building and unit takes them from its owner's record.
 */
export async function readCases(
  models: { Tickets: Model<TicketRecord>; policy: SlaPolicy },
  input: {
    now: Date;
    owners: Map<string, OwnerInfo>;
    excluded: Set<string>;
    tally: (quarter: string) => ReturnType<typeof createQuarterTally> | undefined;
    quarters?: string[];
  },
) {
  const { now } = input;
  const facts = new Map<string, OwnerCaseFacts>();
  const open: LiveSnapshot['openCases'] = {
    total: 0,
    byAge: Object.fromEntries(AGE_BUCKETS.map((b) => [b.key, 0])),
    oldest: [],
  };
  const oldestOpen = firstBy<OpenCase>(20, oldestFirst);
  for (const cursor of casesToRead(models, input.quarters))
    for await (const stored of cursor) {
      if (stored.ownerId && input.excluded.has(stored.ownerId)) continue;
      const ticket = withHome(stored, input.owners);
      const f = caseFacts(ticket, now, models.policy);
      if (f.open) countOpen(open, oldestOpen, ticket, now);
      if (ticket.ownerId && now.getTime() - ticket.createdAt.getTime() < OWNER_FACTS_DAYS * DAY)
        countOwnerFacts(facts, ticket, f, now);
      input.tally(ticket.quarter)?.add(ticket, f);
    }
  open.oldest = oldestOpen.list();
  return { facts, open };
}

/** A case with its building and unit, taken from its owner's record when it was stored without them. */
function withHome(ticket: CaseRow, owners: Map<string, OwnerInfo>): CaseRow {
  if (ticket.building || !ticket.ownerId) return ticket;
  const owner = owners.get(ticket.ownerId);
  return owner ? { ...ticket, building: owner.building, unit: ticket.unit || owner.unit } : ticket;
}

function countOpen(
  open: LiveSnapshot['openCases'],
  oldest: FirstBy<OpenCase>,
  ticket: CaseRow,
  now: Date,
): void {
  open.total++;
  inc(open.byAge, ageBucket(ticket.createdAt, now));
  oldest.add({
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
