import type { Model } from 'mongoose';
import type { TicketRecord } from './ticket-model';

/** Settled cases the desk lists per status (the newest changed first). */
const SETTLED_LIMIT = 100;

/**
 * The lookups of cases staff are done with: the desk's finished list and an owner's history.
 * Like every query of cases, each carries an equality on an indexed field and sorts explicitly.
 */
export function createCaseHistoryQueries(deps: { Tickets: Model<TicketRecord> }) {
  const { Tickets } = deps;
  return {
    /**
     * Cases staff finished with: resolved and in return visit (asked once per status), and
     * closed in the given quarters (status and quarter: both indexed), newest change first.
     */
    async settled(quarters: string[], limit = SETTLED_LIMIT): Promise<TicketRecord[]> {
      const filters: Array<{ status: TicketRecord['status']; quarter?: string }> = [
        { status: 'resolved' },
        { status: 'return_visit' },
        ...quarters.map((quarter) => ({ status: 'closed' as const, quarter })),
      ];
      const lists = await Promise.all(
        filters.map((filter) =>
          Tickets.find(filter).sort({ updatedAt: -1, _id: -1 }).limit(limit).lean<TicketRecord[]>(),
        ),
      );
      return lists
        .flat()
        .sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime())
        .slice(0, limit);
    },

    /**
     * A person's cases of every status, newest first (at most `limit`): the owner's from any
     * channel when `ownerId` is known, else the channel identity's.
     */
    async history(person: { ownerId?: string; identityKey: string }, limit = 10): Promise<TicketRecord[]> {
      const filter = person.ownerId ? { ownerId: person.ownerId } : { identityKey: person.identityKey };
      return Tickets.find(filter, { messages: 0, history: 0 })
        .sort({ createdAt: -1, _id: -1 })
        .limit(limit)
        .lean<TicketRecord[]>();
    },
  };
}
