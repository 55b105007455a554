import type { Category, Intent } from '../../nlp/labels';
import type { Clock } from '../clock';
import { botMessage, staffNote, staffReply } from './case-messages';
import type { CaseStore, Changed } from './case-store';
import type { SlaStep } from './sla';
import type { TicketMessage, TicketRecord, TicketSummary } from './ticket-model';
import * as decide from './transitions';
import type { CaseEventType, ResolveOptions, Staff } from './transitions';

/** What happened to a case, for the caller to tell the owner and staff. Nothing is sent here. */
export interface TicketEvent {
  type: CaseEventType;
  /** The case as this event left it. */
  ticket: TicketRecord;
  actor: string;
  /** The case's `version` after the event (its history entry's `seq`); 0 for the opening. */
  seq: number;
  /** For SLA events: the step applied. */
  step?: SlaStep;
  /** True when the action's one-time id had been applied before: nothing changed now. */
  repeated?: boolean;
}

/** A staff action's one-time id (a form, a Slack modal): a repeat reports the first outcome and changes nothing. */
export interface ActionOptions {
  actionId?: string;
}

/** A staff member's verdict on how the bot understood a case's first message, for the classifier. */
export interface LabelCorrection {
  /** The owner's first message on the case, as written. */
  text: string;
  intent: Intent;
  category: Category;
  staffId: string;
  ticketId: string;
  at: Date;
}

/** The event a change that always decides something (a staff verb, an SLA step) reports. */
export function eventOf({ ticket, seq, change }: Changed, actor: string): TicketEvent {
  if (!change) throw new Error('a staff action decided nothing');
  return {
    type: change.action as CaseEventType,
    ticket,
    actor,
    seq,
    ...(change.step ? { step: change.step } : {}),
  };
}

/**
 * The steps of the method: each decided by transitions.ts on the case as stored and applied
 * by the store, or refused with a DomainError saying why (whose case it is, which status).
 */
export function methodVerbs(deps: { store: CaseStore; clock: Clock }) {
  const now = () => deps.clock.now();
  const act = async (
    id: string,
    actor: string,
    verb: (ticket: TicketRecord) => decide.Change,
    { actionId }: ActionOptions = {},
  ): Promise<TicketEvent> => {
    const changed = await deps.store.change(id, actor, (ticket) => {
      // Checked before the verb: a repeat must not be refused for the state its first run made.
      if (actionId && ticket.history.some((entry) => entry.actionId === actionId)) return null;
      const change = verb(ticket);
      return actionId ? { ...change, actionId } : change;
    });
    return changed.change || !actionId ? eventOf(changed, actor) : repeatOf(changed.ticket, actionId);
  };

  return {
    /**
     * First claim makes the staff member the case's owner until an accepted hand-over. Of
     * two claims at once exactly one wins; the other gets `already_claimed` naming the owner.
     */
    claim: (id: string, staff: Staff, options?: ActionOptions) =>
      act(id, staff.id, (t) => decide.claim(t, staff, now()), options),
    /** Work begins (a reopened case may go straight back to work without a new claim). */
    start: (id: string, staff: Staff, options?: ActionOptions) =>
      act(id, staff.id, (t) => decide.start(t, staff, now()), options),
    /**
     * Work done. A summary given here (the desks ask for it on complaints) is kept for
     * closing; `requireSummary` and `requireResult` refuse what is missing (MissingFieldsError).
     */
    resolve: (id: string, staff: Staff, note = '', options: ResolveOptions = {}) =>
      act(id, staff.id, (t) => decide.resolve(t, staff, now(), note, options), options),
    /** The return visit begins: the owner is asked whether the problem is really gone. */
    startReturnVisit: (id: string, actor: string) => act(id, actor, (t) => decide.startReturnVisit(t)),
    /** The owner's answer to the return visit: a rating 1-5 and an optional comment. */
    recordReturnVisit: (id: string, answer: { rating: number; comment?: string }) =>
      act(id, 'owner', (t) => decide.recordReturnVisit(t, answer, now())),
    /** Closes a resolved case; a complaint needs its three-part summary, given here or when resolving. */
    close: (id: string, actor: string, summary?: Partial<TicketSummary>) =>
      act(id, actor, (t) => decide.close(t, summary, now())),
    /** Back to work with the same owner, who claims it again; the SLA starts a new round from now. */
    reopen: (id: string, actor: string, reason: string) =>
      act(id, actor, (t) => decide.reopen(t, reason, now())),
    /** The owner (or a supervisor) offers the case to a colleague; it stays theirs until `to` accepts. */
    offerHandover: (id: string, from: Staff, to: Staff, options?: ActionOptions) =>
      act(id, from.id, (t) => decide.offerHandover(t, from, to, now()), options),
    /** The colleague offered the case takes it: from now on it is theirs. */
    acceptHandover: (id: string, to: Staff, options?: ActionOptions) =>
      act(id, to.id, (t) => decide.acceptHandover(t, to), options),
    /** The colleague offered the case says no: it stays with its owner. */
    declineHandover: (id: string, to: Staff, options?: ActionOptions) =>
      act(id, to.id, (t) => decide.declineHandover(t, to), options),
  };
}

/** The event of an action applied before under the same one-time id, as the case is now. */
function repeatOf(ticket: TicketRecord, actionId: string): TicketEvent {
  const entry = ticket.history.find((h) => h.actionId === actionId);
  if (!entry) throw new Error('a repeated action left no history entry');
  return { type: entry.action as CaseEventType, ticket, actor: entry.actor, seq: entry.seq, repeated: true };
}

/** What is recorded on a case besides the method's steps, each once however often it is asked. */
export function recordVerbs(deps: { store: CaseStore; clock: Clock }) {
  const now = () => deps.clock.now();
  const record = async (id: string, actor: string, decision: (t: TicketRecord) => decide.Change | null) =>
    (await deps.store.change(id, actor, decision)).change !== null;
  const staffMessage = (text: string, messageKey: string): TicketMessage => ({
    at: now(),
    from: 'staff',
    text,
    messageKey,
    attachments: [],
  });

  return {
    /** Adds an owner's follow-up once per `messageKey`, however often delivered; returns whether it was added. */
    addOwnerMessage(
      id: string,
      message: { text: string; messageKey: string; at: Date; attachments?: TicketMessage['attachments'] },
    ): Promise<boolean> {
      const { text, messageKey, at } = message;
      const attachments = message.attachments ?? [];
      return record(id, 'owner', (t) =>
        decide.addMessage(t, { at, from: 'owner', text, messageKey, attachments }),
      );
    },

    /**
     * A staff reply, kept on the case once per `messageKey` (the desk sends it through the
     * outbox). Only the case's holder or a supervisor, only while it is held: `not_held`,
     * `not_owner` otherwise. Returns whether it was added (false for a repeat).
     */
    addStaffMessage(id: string, staff: Staff, text: string, messageKey: string): Promise<boolean> {
      return record(id, staff.id, (t) => staffReply(t, staff, staffMessage(text, messageKey)));
    },

    /** A note for colleagues, kept once per `messageKey`; never sent to the owner. */
    addNote(id: string, staff: Staff, text: string, messageKey: string): Promise<boolean> {
      return record(id, staff.id, (t) => staffNote(t, staff, staffMessage(text, messageKey)));
    },

    /** What the bot told the owner about the case, kept once per `messageKey` (its outbox key). */
    addBotMessage(id: string, text: string, messageKey: string): Promise<boolean> {
      return deps.store.pushMessage(id, botMessage(text, messageKey, now()));
    },

    /** Where staff discuss the case (set by the Slack desk once the escalation is posted). */
    async setStaffThread(id: string, thread: { channel: string; threadId: string }): Promise<void> {
      await deps.store.change(id, 'desk', (t) => decide.setStaffThread(t, thread));
    },
  };
}

/** Staff's corrections of how the bot understood a case, for the classifier to learn. */
export function labelVerbs(deps: { store: CaseStore; clock: Clock }) {
  const now = () => deps.clock.now();
  return {
    /**
     * Staff's verdict on intent and category. Returns the correction for the classifier's
     * store (the understanding service owns the `corrections` collection); the same verdict
     * again changes nothing and returns the same correction.
     */
    async correctLabels(
      id: string,
      staff: Staff,
      labels: { intent: string; category: string },
      { actionId }: ActionOptions = {},
    ): Promise<TicketEvent & { correction: LabelCorrection }> {
      decide.assertLabels(labels);
      const { intent, category } = labels;
      const { ticket, seq } = await deps.store.change(id, staff.id, (t) => {
        const change = decide.correctLabels(t, { intent, category });
        return change && actionId ? { ...change, actionId } : change;
      });
      const first = ticket.messages.find((message) => message.from === 'owner');
      const entry = ticket.history.findLast((h) => h.action === 'labels_corrected');
      const correction = {
        text: first?.text || ticket.title,
        intent,
        category,
        staffId: staff.id,
        ticketId: String(ticket._id),
        at: entry?.at ?? now(),
      };
      return { type: 'labels_corrected', ticket, actor: staff.id, seq: entry?.seq ?? seq, correction };
    },
  };
}
