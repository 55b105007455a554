import type { Model, Types } from 'mongoose';
import { trusted } from '../database/connect';
import { ACTIVE_STATUSES } from './case-sla';
import { TICKET_STATUSES, type TicketRecord } from './ticket-model';

/** `listOpen` returns at most this many cases. */
const LIST_OPEN_LIMIT = 20;
/** Cases whose SLA is looked at per run of the watch, oldest check first. */
const SLA_BATCH = 500;
const NOT_CLOSED = TICKET_STATUSES.filter((status) => status !== 'closed');
const PRIORITY_RANK = { urgent: 0, high: 1, normal: 2 } as const;

/** Oldest first, ties by `_id`: the same order the queries ask the database for. */
const oldestFirst = (a: TicketRecord, b: TicketRecord) =>
  a.createdAt.getTime() - b.createdAt.getTime() || String(a._id).localeCompare(String(b._id));

/**
 * The ways cases are looked up. Each query carries an equality on an indexed top-level field
 * (a person, a status, a reference) and sorts explicitly, so none reads every case.
 */
export function createCaseQueries(deps: { Tickets: Model<TicketRecord> }) {
  const { Tickets } = deps;

  return {
    /** A case by the reference owners and staff quote ("wo-2611-0042" works too). */
    async getByReference(reference: string): Promise<TicketRecord | undefined> {
      if (typeof reference !== 'string') return undefined;
      const ticket = await Tickets.findOne({
        reference: reference.trim().toUpperCase(),
      }).lean<TicketRecord>();
      return ticket ?? undefined;
    },

    /**
     * The cases of a person that are not closed, newest first: those opened from this
     * channel identity, and with `ownerId` also the owner's from any channel.
     */
    async listOpen(identityKey: string, ownerId = ''): Promise<TicketRecord[]> {
      const people = ownerId ? [{ identityKey }, { ownerId }] : [{ identityKey }];
      const lists = await Promise.all(
        people.map((person) =>
          Tickets.find({ ...person, status: trusted({ $ne: 'closed' }) })
            .sort({ createdAt: -1, _id: -1 })
            .limit(LIST_OPEN_LIMIT)
            .lean<TicketRecord[]>(),
        ),
      );
      const unique = new Map(lists.flat().map((ticket) => [String(ticket._id), ticket]));
      return [...unique.values()].sort((a, b) => oldestFirst(b, a)).slice(0, LIST_OPEN_LIMIT);
    },

    /** The staff queue: the oldest `limit` cases not closed, then urgent first, then oldest first. */
    async queue(limit = 100): Promise<TicketRecord[]> {
      const lists = await Promise.all(
        NOT_CLOSED.map((status) =>
          Tickets.find({ status }).sort({ createdAt: 1, _id: 1 }).limit(limit).lean<TicketRecord[]>(),
        ),
      );
      const oldest = lists.flat().sort(oldestFirst).slice(0, limit);
      return oldest.sort((a, b) => PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority]);
    },

    /** The case whose staff thread this is (the escalation message's ts), if any. */
    async byStaffThread(channel: string, threadId: string): Promise<TicketRecord | undefined> {
      const ticket = await Tickets.findOne({
        'staffThread.threadId': String(threadId),
        'staffThread.channel': String(channel),
      }).lean<TicketRecord>();
      return ticket ?? undefined;
    },

    /** Ids of active cases whose next SLA check is at or before `at`, oldest check first. */
    async dueForSla(at: Date): Promise<Types.ObjectId[]> {
      const lists = await Promise.all(
        ACTIVE_STATUSES.map((status) =>
          Tickets.find({ status, slaCheckAt: trusted({ $lte: at }) }, { _id: 1, slaCheckAt: 1 })
            .sort({ slaCheckAt: 1, _id: 1 })
            .limit(SLA_BATCH)
            .lean<Array<Pick<TicketRecord, '_id' | 'slaCheckAt'>>>(),
        ),
      );
      return lists
        .flat()
        .sort((a, b) => a.slaCheckAt.getTime() - b.slaCheckAt.getTime())
        .slice(0, SLA_BATCH)
        .map((due) => due._id);
    },
  };
}

export type CaseQueries = ReturnType<typeof createCaseQueries>;
