import { setTimeout as sleep } from 'node:timers/promises';
import { Types, type Model, type UpdateQuery } from 'mongoose';
import type { Clock } from '../clock';
import { DomainError } from '../errors';
import { nextSlaCheck } from './case-sla';
import type { SlaPolicy } from './sla';
import type { TicketHistoryEntry, TicketMessage, TicketRecord } from './ticket-model';
import type { Change } from './transitions';

/**
 * Decisions in a row on one case that lose to another writer before giving up. Each loss
 * means another change landed, so n writers piled up on one case all finish within n tries.
 */
const MAX_ATTEMPTS = 30;

/** A change as it landed: the case exactly as written (`version` = `seq`), or as it was when nothing was decided. */
export interface Changed {
  ticket: TicketRecord;
  seq: number;
  change: Change | null;
}

/**
 * The single update that applies `change` to `ticket`: its fields, the history entry (unless
 * it is a message or the staff thread), the next SLA check, and the version incremented.
 */
export function updateFor(
  ticket: TicketRecord,
  change: Change,
  context: { actor: string; now: Date; policy: SlaPolicy },
): UpdateQuery<TicketRecord> {
  const { actor, now, policy } = context;
  const set: Record<string, unknown> = { ...change.set, updatedAt: now };
  if (change.to) set.status = change.to;
  const push: Record<string, unknown> = { ...change.push };
  if (change.history !== false) {
    const entry: TicketHistoryEntry = {
      seq: ticket.version + 1,
      at: now,
      actor,
      action: change.action,
      from: change.to ? ticket.status : '',
      to: change.to ?? '',
      note: change.note ?? '',
      ...(change.actionId ? { actionId: change.actionId } : {}),
    };
    push.history = entry;
  }
  const after = { ...ticket, ...(set as Partial<TicketRecord>) };
  const slaSteps = change.step ? [...after.slaSteps, change.step.key] : after.slaSteps;
  set.slaCheckAt = nextSlaCheck({ ...after, slaSteps }, policy);
  return {
    $set: set,
    ...(Object.keys(push).length > 0 ? { $push: push } : {}),
    $inc: { version: 1 },
  };
}

/**
 * Reading cases and changing them. A change is decided on the case as read and written with
 * one update conditional on that read's `version`; when another change landed in between,
 * the case is read again and the change decided again (a claim then learns who won).
 */
export function createCaseStore(deps: { Tickets: Model<TicketRecord>; clock: Clock; policy: SlaPolicy }) {
  const { Tickets } = deps;

  async function find(id: string): Promise<TicketRecord | undefined> {
    if (typeof id !== 'string' || !Types.ObjectId.isValid(id)) return undefined;
    return (await Tickets.findById(id).lean<TicketRecord>()) ?? undefined;
  }

  async function load(id: string): Promise<TicketRecord> {
    const ticket = await find(id);
    if (!ticket) throw new DomainError('ticket_not_found', `No case with id ${String(id)}`);
    return ticket;
  }

  /**
   * Decides and applies the next change of a case. A null decision changes nothing and
   * returns the case as it is; a DomainError from `decide` reaches the caller unchanged.
   */
  async function change(
    id: string,
    actor: string,
    decide: (ticket: TicketRecord) => Change | null,
  ): Promise<Changed> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const ticket = await load(id);
      const decided = decide(ticket);
      if (!decided) return { ticket, seq: ticket.version, change: null };
      const update = updateFor(ticket, decided, { actor, now: deps.clock.now(), policy: deps.policy });
      const written = await Tickets.findOneAndUpdate({ _id: ticket._id, version: ticket.version }, update, {
        returnDocument: 'after',
      }).lean<TicketRecord>();
      if (written) return { ticket: written, seq: written.version, change: decided };
      // Someone else's change landed first; a short random pause spreads a pile-up of writers.
      if (attempt > 2) await sleep(Math.random() * Math.min(attempt * 2, 40));
    }
    throw new DomainError('ticket_busy', 'The case changed too often at once; try again');
  }

  /**
   * Adds a message that decides nothing about the case (the bot's words: no step, no SLA
   * change, no history entry), unless one with its key is there already: one conditional
   * update, with no read first. False: the key was there.
   */
  async function pushMessage(id: string, message: TicketMessage): Promise<boolean> {
    // Each reply to a case comes here, so the update goes to the driver with the message
    // as the schema stores it (mongoose's casting of it cost more than the write itself).
    const stored: TicketMessage = {
      at: message.at,
      from: message.from,
      text: message.text,
      messageKey: message.messageKey,
      attachments: message.attachments.map(({ kind, reference }) => ({ kind, reference })),
      by: message.by ?? '',
      byName: message.byName ?? '',
    };
    const { matchedCount } = Types.ObjectId.isValid(id)
      ? await Tickets.collection.updateOne(
          // "No message has this key", as $nor of an equality: the embedded engine (FerretDB
          // 1.24) answers $ne and $elemMatch on a path into an array wrongly.
          { _id: new Types.ObjectId(id), $nor: [{ 'messages.messageKey': message.messageKey }] },
          {
            $push: { messages: stored as never },
            $set: { updatedAt: deps.clock.now() },
            $inc: { version: 1 },
          },
        )
      : { matchedCount: 0 };
    if (matchedCount > 0) return true;
    await load(id); // no such case: its error
    return false;
  }

  return { find, load, change, pushMessage };
}

export type CaseStore = ReturnType<typeof createCaseStore>;
