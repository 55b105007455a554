import type { Clock } from '../../services/clock';
import type { Language } from '../../services/i18n/text';
import type { Logger } from '../../services/logging/logger';
import type { OwnerService } from '../../services/owners/owner-service';
import type { TicketRecord } from '../../services/tickets/ticket-model';
import type { TicketService } from '../../services/tickets/ticket-service';
import { caseOwnerOf } from '../core/cases';

/** Changes by other instances (and the SLA watch) reach open desks within about this long. */
const POLL_MS = 1500;
/** Who wrote a case is looked up again after this long (names and homes change rarely). */
const OWNER_CACHE_MS = 5 * 60_000;
/** Open cases the desk holds; the oldest beyond this wait for the queue to shrink. */
const QUEUE_LIMIT = 300;

/** A case on the desk: the case, who wrote it (as staff read it) and where they live. */
export interface DeskCase {
  ticket: TicketRecord;
  who: { zh: string; en: string };
  ownerName: string;
}

/** What open desks are told: which cases changed, and which need a sound (new or newly escalated). */
export interface FeedChange {
  changed: string[];
  alerts: Array<{ id: string; reference: string; reason: 'new' | 'escalated' }>;
}

/** Who wrote each case, in both languages, looked up once per five minutes per person. */
function ownerLabels(deps: { owners: Pick<OwnerService, 'identityByKey' | 'ownerOf'>; clock: Clock }) {
  const owners = new Map<string, { who: DeskCase['who']; ownerName: string; at: number }>();
  return async function ownerOf(ticket: TicketRecord) {
    const key = `${ticket.identityKey}|${ticket.ownerId}`;
    const cached = owners.get(key);
    const now = deps.clock.now().getTime();
    if (cached && now - cached.at < OWNER_CACHE_MS) return cached;
    const [zh, en] = await Promise.all(
      (['zh', 'en'] as Language[]).map((language) => caseOwnerOf(deps.owners, ticket, language)),
    );
    const entry = {
      who: { zh: zh?.label ?? '', en: en?.label ?? '' },
      ownerName: zh?.owner?.name ?? '',
      at: now,
    };
    if (owners.size > 5000) owners.clear();
    owners.set(key, entry);
    return entry;
  };
}

/** What changed between two reads of the queue: changed cases, and which need a sound. */
function changesBetween(before: Map<string, TicketRecord>, fresh: DeskCase[]): FeedChange {
  const change: FeedChange = { changed: [], alerts: [] };
  for (const { ticket } of fresh) {
    const id = String(ticket._id);
    const old = before.get(id);
    before.delete(id);
    if (old?.version === ticket.version) continue;
    change.changed.push(id);
    if (!old && ticket.status === 'new')
      change.alerts.push({ id, reference: ticket.reference, reason: 'new' });
    else if (old && ticket.escalationLevel > old.escalationLevel)
      change.alerts.push({ id, reference: ticket.reference, reason: 'escalated' });
  }
  change.changed.push(...before.keys()); // cases that left the queue
  return change;
}

/** The open cases, urgent first, each with who wrote it. */
async function readQueue(
  tickets: TicketService,
  ownerOf: ReturnType<typeof ownerLabels>,
): Promise<DeskCase[]> {
  return Promise.all(
    (await tickets.queue(QUEUE_LIMIT)).map(async (ticket): Promise<DeskCase> => {
      const { who, ownerName } = await ownerOf(ticket);
      return { ticket, who, ownerName };
    }),
  );
}

/**
 * The live queue behind every open desk of this instance: ONE poll loop (not one per open page)
 * reads the open cases, by status, while desks listen, keeps them in memory with their owners'
 * names, and tells listeners what changed. Pages render their filters from this memory, so a
 * desk left open costs nothing per page. `nudge` polls at once after this instance's own change.
 */
export function createDeskFeed(deps: {
  tickets: TicketService;
  owners: Pick<OwnerService, 'identityByKey' | 'ownerOf'>;
  clock: Clock;
  logger: Logger;
  pollMs?: number;
}) {
  const listeners = new Set<(change: FeedChange) => void>();
  const ownerOf = ownerLabels(deps);
  let cases: DeskCase[] | undefined;
  let polling: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  let stopped = false;
  /** Set by a change made here: the next page reads the queue itself rather than the last poll's. */
  let stale = false;

  /** Reads the queue and tells listeners what changed since the last read. */
  async function read(): Promise<DeskCase[]> {
    stale = false;
    const fresh = await readQueue(deps.tickets, ownerOf);
    // The first read has nothing to compare with: nothing is new to anyone yet.
    const before = cases && new Map(cases.map((c) => [String(c.ticket._id), c.ticket]));
    cases = fresh;
    const change = before ? changesBetween(before, fresh) : { changed: [], alerts: [] };
    if (change.changed.length > 0) for (const listener of listeners) listener(change);
    return fresh;
  }

  async function pollWhileListened(): Promise<void> {
    while (!stopped && listeners.size > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, deps.pollMs ?? POLL_MS);
        timer.unref();
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
      await read().catch((error: unknown) => {
        if (!stopped) deps.logger.warn({ err: error }, 'Desk queue could not be read; trying again');
      });
    }
  }

  const ensurePolling = () => {
    if (polling || stopped) return;
    polling = pollWhileListened().finally(() => {
      polling = undefined;
      if (listeners.size > 0) ensurePolling();
    });
  };

  return {
    /** Other cases (the finished ones) as the desk shows them, with their owners' names. */
    describe(tickets: TicketRecord[]): Promise<DeskCase[]> {
      return Promise.all(tickets.map(async (ticket) => ({ ticket, ...(await ownerOf(ticket)) })));
    },
    /** The open cases: from memory while desks listen (at most one poll old), else (or after a change here) read now. */
    async cases(): Promise<DeskCase[]> {
      return polling && cases && !stale ? cases : read();
    },
    /** Calls `listener` with each change; returns the unsubscribe. */
    subscribe(listener: (change: FeedChange) => void): () => void {
      listeners.add(listener);
      ensurePolling();
      return () => listeners.delete(listener);
    },
    /** A change made here: read now instead of at the next poll. */
    nudge(): void {
      stale = true;
      wake?.();
    },
    stop(): void {
      stopped = true;
      wake?.();
    },
  };
}

export type DeskFeed = ReturnType<typeof createDeskFeed>;
