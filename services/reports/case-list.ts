import type { Connection } from 'mongoose';
import type { Clock } from '../clock';
import { localDateTime } from '../i18n/time';
import { ownerModels } from '../owners/owner-model';
import { ACTIVE_STATUSES } from '../tickets/case-sla';
import { DEFAULT_SLA_POLICY, type SlaPolicy } from '../tickets/sla';
import { periodKeys, ticketModels } from '../tickets/ticket-model';
import { ageBucket, CASE_FIELDS, caseFacts, type CaseFacts, type CaseRow } from './case-facts';
import { inc } from './quarter-tally';
import type { Tally } from './report-snapshots';

/** What a drill-down asks for: a period (quarter, month or dates) and any of the chart keys. */
export interface CaseListFilter {
  quarter?: string;
  month?: string;
  /** Local dates (BOT_TIMEZONE), inclusive: `2026-11-01`. */
  from?: string;
  to?: string;
  building?: string;
  intent?: string;
  category?: string;
  kind?: string;
  /** Only cases still open (then `age` may name an age bucket). */
  open?: boolean;
  age?: string;
  /** A deadline and its outcome: `acknowledge` + `breached`. */
  deadline?: 'acknowledge' | 'resolve';
  outcome?: 'met' | 'breached' | 'pending';
  rating?: number;
}

const TEXT_KEYS = ['building', 'intent', 'category', 'kind', 'age'] as const;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The filter a query string names; anything malformed is left out rather than refused. */
export function caseListFilterOf(query: Record<string, unknown>): CaseListFilter {
  const text = (key: string) =>
    typeof query[key] === 'string' ? (query[key] as string).trim().slice(0, 40) : '';
  const filter: CaseListFilter = {};
  if (/^\d{4}Q[1-4]$/.test(text('quarter'))) filter.quarter = text('quarter');
  if (/^\d{4}-\d{2}$/.test(text('month'))) filter.month = text('month');
  if (DATE.test(text('from'))) filter.from = text('from');
  if (DATE.test(text('to'))) filter.to = text('to');
  for (const key of TEXT_KEYS) if (text(key)) filter[key] = text(key);
  if (text('open') === '1') filter.open = true;
  if (text('deadline') === 'acknowledge' || text('deadline') === 'resolve')
    filter.deadline = text('deadline') as 'acknowledge' | 'resolve';
  if (['met', 'breached', 'pending'].includes(text('outcome'))) filter.outcome = text('outcome') as 'met';
  if (/^[1-5]$/.test(text('rating'))) filter.rating = Number(text('rating'));
  return filter;
}

/** The quarters a date range spans (`2026-11-03`..`2027-01-10`: 2026Q4, 2027Q1). */
export function quartersBetween(from: string, to: string): string[] {
  const quarters: string[] = [];
  let [year, q] = [Number(from.slice(0, 4)), Math.ceil(Number(from.slice(5, 7)) / 3)];
  const [lastYear, lastQ] = [Number(to.slice(0, 4)), Math.ceil(Number(to.slice(5, 7)) / 3)];
  while ((year < lastYear || (year === lastYear && q <= lastQ)) && quarters.length < 12) {
    quarters.push(`${year}Q${q}`);
    [year, q] = q === 4 ? [year + 1, 1] : [year, q + 1];
  }
  return quarters;
}

/** A case as listed: its row (home filled in from the owner) and what it says about the SLA. */
export interface ListedCase {
  row: CaseRow;
  facts: CaseFacts;
}

function matches(c: ListedCase, filter: CaseListFilter, context: { timeZone: string; now: Date }): boolean {
  const { row, facts } = c;
  const day = localDateTime(row.createdAt, context.timeZone).slice(0, 10);
  if (filter.from && day < filter.from) return false;
  if (filter.to && day > filter.to) return false;
  if (filter.quarter && row.quarter !== filter.quarter) return false;
  if (filter.month && row.month !== filter.month) return false;
  if (filter.building && (row.building || 'unknown') !== filter.building) return false;
  if (filter.intent && row.intent !== filter.intent) return false;
  if (filter.category && row.category !== filter.category) return false;
  if (filter.kind && row.kind !== filter.kind) return false;
  if (filter.open && !facts.open) return false;
  if (filter.age && ageBucket(row.createdAt, context.now) !== filter.age) return false;
  if (filter.deadline && filter.outcome && facts[filter.deadline] !== filter.outcome) return false;
  if (filter.rating && row.returnVisit?.rating !== filter.rating) return false;
  return true;
}

/**
 * The cases behind a figure, newest first. Each read carries an equality on an indexed field
 * (one query per status for open cases, one per quarter otherwise: the quarter asked for, the
 * quarters a date range spans, or this one), and the rest is filtered here.
 */
export async function listCases(
  deps: { connection: Connection; clock: Clock; timeZone: string; slaPolicy?: SlaPolicy },
  filter: CaseListFilter,
): Promise<ListedCase[]> {
  const { Tickets } = ticketModels(deps.connection);
  const now = deps.clock.now();
  const quarters = filter.quarter
    ? [filter.quarter]
    : filter.month
      ? [periodKeys(new Date(`${filter.month}-15T00:00:00Z`), 'UTC').quarter]
      : filter.from || filter.to
        ? quartersBetween(filter.from ?? filter.to ?? '', filter.to ?? filter.from ?? '')
        : [periodKeys(now, deps.timeZone).quarter];
  const queries = filter.open
    ? ACTIVE_STATUSES.map((status) => ({ status }))
    : quarters.map((quarter) => ({ quarter }));
  const projection = Object.fromEntries(CASE_FIELDS.map((f) => [f, 1]));
  const lists = await Promise.all(queries.map((q) => Tickets.find(q, projection).lean<CaseRow[]>()));
  const rows = await withOwnersHomes(deps.connection, lists.flat());
  return rows
    .map((row) => ({ row, facts: caseFacts(row, now, deps.slaPolicy ?? DEFAULT_SLA_POLICY) }))
    .filter((c) => matches(c, filter, { timeZone: deps.timeZone, now }))
    .sort((a, b) => b.row.createdAt.getTime() - a.row.createdAt.getTime());
}

/** Cases stored without a building take their owner's (each owner read once, by id). */
async function withOwnersHomes(connection: Connection, rows: CaseRow[]): Promise<CaseRow[]> {
  const missing = [...new Set(rows.filter((r) => !r.building && r.ownerId).map((r) => r.ownerId))];
  const { owners } = ownerModels(connection);
  const homes = new Map<string, { building: string; unit: string }>();
  await Promise.all(
    missing.slice(0, 500).map(async (id) => {
      const owner = await owners
        .findById(id, { building: 1, unit: 1 })
        .lean()
        .catch(() => null);
      if (owner) homes.set(id, { building: owner.building, unit: owner.unit });
    }),
  );
  return rows.map((r) => {
    const home = !r.building ? homes.get(r.ownerId) : undefined;
    return home ? { ...r, building: home.building, unit: r.unit || home.unit } : r;
  });
}

/** The cases view's tallies counted from a list (when dates or a building narrow it). */
export function tallyCases(cases: ListedCase[]) {
  const tallies = {
    byIntent: {} as Tally,
    byCategory: {} as Tally,
    byBuilding: {} as Tally,
    byMonth: {} as Tally,
  };
  for (const { row } of cases) {
    inc(tallies.byIntent, row.intent);
    inc(tallies.byCategory, row.category);
    inc(tallies.byBuilding, row.building);
    inc(tallies.byMonth, row.month);
  }
  return tallies;
}
