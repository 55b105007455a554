import { Types, type Connection } from 'mongoose';
import type { Clock } from '../clock';
import { trusted } from '../database/connect';
import { DomainError } from '../errors';
import type { Logger } from '../logging/logger';
import { isDuplicateKey } from '../outbox/outbox';
import {
  DEFAULT_SLA_POLICY,
  deadlinesOf,
  dueSlaSteps,
  type SlaClass,
  type SlaPolicy,
  type SlaStep,
} from './sla';
import {
  periodKeys,
  REFERENCE_PREFIX,
  ticketModels,
  type TicketHistoryEntry,
  type TicketKind,
  type TicketRecord,
  type TicketStatus,
  type TicketSummary,
} from './ticket-model';

/** A staff member as the desk knows them. */
export interface Staff {
  id: string;
  name: string;
  /** Supervisors may act on any case, whoever owns it. */
  supervisor?: boolean;
}

export interface OpenTicketInput {
  kind: TicketKind;
  intent: string;
  category: string;
  emergencyKind?: string;
  /** `<channel>:<platform message id>` of the opening message: opening twice gives the same case. */
  origin: string;
  identityKey: string;
  ownerId?: string;
  verified: boolean;
  address: { channel: string; conversationId: string; threadId?: string };
  language: 'zh' | 'en';
  building?: string;
  unit?: string;
  text: string;
  attachments?: Array<{ kind: string; reference: string }>;
}

/** What happened to a case, for the caller to tell the owner and staff. */
export interface TicketEvent {
  type:
    | 'received'
    | 'claimed'
    | 'started'
    | 'resolved'
    | 'return_visit'
    | 'return_visit_recorded'
    | 'closed'
    | 'reopened'
    | 'handover_offered'
    | 'handover_accepted'
    | 'handover_declined'
    | 'labels_corrected'
    | 'sla_warning'
    | 'sla_escalation';
  ticket: TicketRecord;
  actor: string;
  /** For SLA events: the step applied. */
  step?: SlaStep;
}

const ACTIVE: readonly TicketStatus[] = ['new', 'claimed', 'in_progress', 'reopened'];
const SETTLED: readonly TicketStatus[] = ['resolved', 'return_visit', 'closed'];
const FAR_FUTURE = new Date('9999-12-31T00:00:00Z');
const MAX_ATTEMPTS = 8;
const REFERENCE_ATTEMPTS = 30;

/** The transitions of the trade's method: receive, handle, return visit, summary. */
const ALLOWED: Record<string, readonly TicketStatus[]> = {
  claim: ['new', 'reopened'],
  start: ['claimed', 'reopened'],
  resolve: ['claimed', 'in_progress', 'reopened'],
  return_visit: ['resolved'],
  close: ['resolved', 'return_visit'],
  reopen: ['resolved', 'return_visit', 'closed'],
  offer_handover: ['claimed', 'in_progress', 'reopened'],
};

function slaClassOf(kind: TicketKind, intent: string): SlaClass {
  if (kind === 'emergency') return 'emergency';
  if (kind === 'complaint' || intent === 'dissatisfaction') return 'dissatisfaction';
  if (intent === 'help_seeking' || intent === 'consulting') return intent;
  return 'other';
}

/** The next moment an SLA step of this case may fall due (far future once settled or done). */
function nextSlaCheck(
  ticket: Pick<TicketRecord, 'slaClass' | 'createdAt' | 'acknowledgedAt' | 'status' | 'slaSteps'>,
  policy: SlaPolicy,
): Date {
  if (SETTLED.includes(ticket.status)) return FAR_FUTURE;
  const all = dueSlaSteps(
    {
      slaClass: ticket.slaClass,
      openedAt: ticket.createdAt,
      acknowledgedAt: ticket.acknowledgedAt,
      settled: false,
    },
    FAR_FUTURE,
    policy,
  );
  const pending = all.filter((step) => !ticket.slaSteps.includes(step.key));
  return pending[0]?.dueAt ?? FAR_FUTURE;
}

/** The summary with every part trimmed, or undefined unless all three parts are written. */
function completeSummary(summary: Partial<TicketSummary> | null | undefined): TicketSummary | undefined {
  const parts = [summary?.rootCause, summary?.correctiveAction, summary?.preventiveAction].map((part) =>
    typeof part === 'string' ? part.trim() : '',
  );
  if (parts.some((part) => part === '')) return undefined;
  const [rootCause, correctiveAction, preventiveAction] = parts as [string, string, string];
  return { rootCause, correctiveAction, preventiveAction };
}

const isComplaint = (ticket: Pick<TicketRecord, 'kind' | 'intent'>) =>
  ticket.kind === 'complaint' || ticket.intent === 'dissatisfaction';

function transitionError(action: string, ticket: TicketRecord): DomainError {
  const allowed = ALLOWED[action] ?? [];
  return new DomainError(
    'invalid_transition',
    `Cannot ${action.replace('_', ' ')} case ${ticket.reference}: it is ${ticket.status} (allowed from: ${allowed.join(', ')})`,
  );
}

function requireOwner(ticket: TicketRecord, staff: Staff, action: string): void {
  if (ticket.assignee && ticket.assignee !== staff.id && !staff.supervisor) {
    throw new DomainError(
      'not_owner',
      `Case ${ticket.reference} belongs to ${ticket.assigneeName || ticket.assignee} (first-inquiry responsibility); ask them to hand it over before you ${action} it`,
    );
  }
}

/** What one event does to a ticket: fields to set and extra pushes; history is added for it. */
interface Change {
  action: TicketEvent['type'];
  to?: TicketStatus;
  set?: Record<string, unknown>;
  push?: Record<string, unknown>;
  note?: string;
  step?: SlaStep;
}

/**
 * Cases: opening (idempotent on the opening message), the state machine with first-inquiry
 * responsibility and hand-overs, owners' follow-ups, corrections and the SLA ladder.
 *
 * Every change is an event: an instance wins event number `version + 1` by inserting
 * `<ticketId>:<seq>` into `ticket_events` (a unique insert, atomic on both engines), then
 * applies it to the ticket. Two staff claiming at once: one insert wins, the other re-reads
 * and gets "already claimed by ...". A crash between the two writes is rolled forward by the
 * next change, which finds the event ahead of the ticket's version.
 */
export function createTicketService(deps: {
  connection: Connection;
  clock: Clock;
  slaPolicy?: SlaPolicy;
  timeZone?: string;
  logger?: Logger;
}) {
  const { Tickets, Events, Counters } = ticketModels(deps.connection);
  const policy = deps.slaPolicy ?? DEFAULT_SLA_POLICY;
  let indexes: Promise<unknown> | undefined;
  const indexesReady = () =>
    (indexes ??= Promise.all([Tickets.init(), Events.init(), Counters.init()]).catch((error: unknown) => {
      indexes = undefined;
      throw error;
    }));

  async function load(id: string): Promise<TicketRecord> {
    const ticket = Types.ObjectId.isValid(id) ? await Tickets.findById(id).lean<TicketRecord>() : null;
    if (!ticket) throw new DomainError('ticket_not_found', `No case with id ${id}`);
    return ticket;
  }

  async function nextReference(kind: TicketKind, at: Date): Promise<string> {
    const { month } = periodKeys(at, deps.timeZone);
    const key = `${REFERENCE_PREFIX[kind]}-${month.slice(2, 4)}${month.slice(5, 7)}`;
    let counter: { value: number } | null = null;
    for (let attempt = 0; !counter; attempt++) {
      try {
        counter = await Counters.findOneAndUpdate(
          { _id: key },
          { $inc: { value: 1 } },
          { upsert: true, returnDocument: 'after' },
        ).lean();
      } catch (error) {
        // Two first-of-the-month upserts raced; the counter exists now, so increment it.
        if (!isDuplicateKey(error) || attempt >= 3) throw error;
      }
    }
    return `${key}-${String(counter.value).padStart(4, '0')}`;
  }

  /** Applies `decide`'s change as the next event of the case; retries when another instance got there first. */
  async function change(
    id: string,
    actor: string,
    decide: (ticket: TicketRecord) => Change | null,
  ): Promise<TicketEvent | null> {
    await indexesReady();
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const ticket = await load(id);
      const seq = ticket.version + 1;
      const ahead = await Events.findById(`${id}:${seq}`).lean();
      if (ahead) {
        await Tickets.updateOne(
          { _id: ticket._id, version: ticket.version },
          {
            $set: { ...ahead.set, version: seq },
            ...(Object.keys(ahead.push).length ? { $push: ahead.push } : {}),
          },
        );
        continue;
      }
      const decided = decide(ticket);
      if (!decided) return null;
      const now = deps.clock.now();
      const entry: TicketHistoryEntry = {
        seq,
        at: now,
        actor,
        action: decided.action,
        from: decided.to ? ticket.status : '',
        to: decided.to ?? '',
        note: decided.note ?? '',
      };
      const set: Record<string, unknown> = { ...decided.set, updatedAt: now };
      if (decided.to) set.status = decided.to;
      const appliedSteps = decided.step ? [...ticket.slaSteps, decided.step.key] : ticket.slaSteps;
      set.slaCheckAt = nextSlaCheck(
        { ...ticket, ...(set as Partial<TicketRecord>), slaSteps: appliedSteps },
        policy,
      );
      const push = { ...decided.push, history: entry };
      try {
        await Events.create({
          _id: `${id}:${seq}`,
          ticketId: id,
          seq,
          at: now,
          actor,
          action: decided.action,
          set,
          push,
        });
      } catch (error) {
        if (isDuplicateKey(error)) continue; // another instance won this event: re-read and decide again
        throw error;
      }
      await Tickets.updateOne(
        { _id: ticket._id, version: ticket.version },
        { $set: { ...set, version: seq }, $push: push },
      );
      const updated = await load(id);
      return {
        type: decided.action,
        ticket: updated,
        actor,
        ...(decided.step ? { step: decided.step } : {}),
      };
    }
    throw new DomainError('ticket_busy', 'The case changed too often at once; try again');
  }

  /** Like `change`, for staff actions that must happen (a null decision is a bug). */
  async function act(
    id: string,
    actor: string,
    decide: (ticket: TicketRecord) => Change,
  ): Promise<TicketEvent> {
    const event = await change(id, actor, decide);
    if (!event) throw new Error('a staff action decided nothing');
    return event;
  }

  /**
   * Whether a message is already on the case. Checked in code: the embedded engine does not
   * apply `{'messages.messageKey': {$ne: key}}` to arrays as MongoDB does. The message itself
   * is handled once (claimed by unique insert), so only a retry comes here twice.
   */
  async function hasMessage(id: string, messageKey: string): Promise<boolean> {
    const ticket = await Tickets.findById(id, { 'messages.messageKey': 1 }).lean<
      Pick<TicketRecord, 'messages'>
    >();
    return (ticket?.messages ?? []).some((message) => message.messageKey === messageKey);
  }

  function assertFrom(action: string, ticket: TicketRecord): void {
    if (!(ALLOWED[action] ?? []).includes(ticket.status)) throw transitionError(action, ticket);
  }

  return {
    /** Opens a case for the message; opening again for the same message returns the same case. */
    async open(
      input: OpenTicketInput,
    ): Promise<{ ticket: TicketRecord; created: boolean; event: TicketEvent }> {
      await indexesReady();
      const existing = await Tickets.findOne({ origin: input.origin }).lean<TicketRecord>();
      if (existing)
        return {
          ticket: existing,
          created: false,
          event: { type: 'received', ticket: existing, actor: 'bot' },
        };
      const now = deps.clock.now();
      const { quarter, month } = periodKeys(now, deps.timeZone);
      const slaClass = slaClassOf(input.kind, input.intent);
      for (let attempt = 0; attempt < REFERENCE_ATTEMPTS; attempt++) {
        const reference = await nextReference(input.kind, now);
        const record = {
          reference,
          origin: input.origin,
          kind: input.kind,
          slaClass,
          intent: input.intent,
          category: input.category,
          emergencyKind: input.emergencyKind ?? '',
          priority: (input.kind === 'emergency'
            ? 'urgent'
            : input.kind === 'complaint'
              ? 'high'
              : 'normal') as TicketRecord['priority'],
          ownerId: input.ownerId ?? '',
          identityKey: input.identityKey,
          verified: input.verified,
          address: { ...input.address, threadId: input.address.threadId ?? '' },
          language: input.language,
          building: input.building ?? '',
          unit: input.unit ?? '',
          title: input.text.replace(/\s+/g, ' ').trim().slice(0, 200) || '(attachment)',
          messages: [
            {
              at: now,
              from: 'owner' as const,
              text: input.text,
              messageKey: input.origin,
              attachments: input.attachments ?? [],
            },
          ],
          status: 'new' as TicketStatus,
          history: [
            {
              seq: 0,
              at: now,
              actor: 'bot',
              action: 'received',
              from: '',
              to: 'new',
              note: '',
            } as TicketHistoryEntry,
          ],
          slaSteps: [],
          acknowledgedAt: null,
          slaCheckAt: new Date(now.getTime() + 1),
          lastOwnerMessageAt: now,
          version: 0,
          quarter,
          month,
          createdAt: now,
          updatedAt: now,
        };
        try {
          const created = await Tickets.create({
            ...record,
            slaCheckAt: nextSlaCheck({ ...record, slaSteps: [] } as unknown as TicketRecord, policy),
          });
          const ticket = created.toObject() as TicketRecord;
          deps.logger?.info({ reference, kind: input.kind, priority: ticket.priority }, 'Case opened');
          return { ticket, created: true, event: { type: 'received', ticket, actor: 'bot' } };
        } catch (error) {
          if (!isDuplicateKey(error)) throw error;
          // Same origin opened concurrently: that case is this case.
          const raced = await Tickets.findOne({ origin: input.origin }).lean<TicketRecord>();
          if (raced)
            return {
              ticket: raced,
              created: false,
              event: { type: 'received', ticket: raced, actor: 'bot' },
            };
          // Otherwise the reference was taken (counters are read-then-write on the embedded engine):
          // wait a moment, so racing openers spread out, and take another.
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * (attempt + 1)));
        }
      }
      throw new DomainError('reference_exhausted', 'Could not allocate a case reference; try again');
    },

    get: load,

    async getByReference(reference: string): Promise<TicketRecord | undefined> {
      return (
        (await Tickets.findOne({ reference: reference.trim().toUpperCase() }).lean<TicketRecord>()) ??
        undefined
      );
    },

    /** The cases of a person that are not closed, newest first. */
    async listOpen(identityKey: string, ownerId = ''): Promise<TicketRecord[]> {
      const who = ownerId ? trusted({ $or: [{ identityKey }, { ownerId }] }) : { identityKey };
      return Tickets.find({ ...who, status: trusted({ $ne: 'closed' }) })
        .sort({ createdAt: -1 })
        .limit(20)
        .lean<TicketRecord[]>();
    },

    /** Adds an owner's follow-up to a case; the same message twice is added once. */
    async addOwnerMessage(
      id: string,
      message: {
        text: string;
        messageKey: string;
        at: Date;
        attachments?: Array<{ kind: string; reference: string }>;
      },
    ): Promise<void> {
      if (await hasMessage(id, message.messageKey)) return;
      await Tickets.updateOne(
        { _id: new Types.ObjectId(id) },
        {
          $push: {
            messages: {
              at: message.at,
              from: 'owner',
              text: message.text,
              messageKey: message.messageKey,
              attachments: message.attachments ?? [],
            },
          },
          $set: { lastOwnerMessageAt: message.at, updatedAt: deps.clock.now() },
        },
      );
    },

    /** A staff reply, kept on the case once per `messageKey` (the desk sends it through the outbox). */
    async addStaffMessage(id: string, staff: Staff, text: string, messageKey: string): Promise<void> {
      if (await hasMessage(id, messageKey)) return;
      await Tickets.updateOne(
        { _id: new Types.ObjectId(id) },
        {
          $push: { messages: { at: deps.clock.now(), from: 'staff', text, messageKey, attachments: [] } },
          $set: { updatedAt: deps.clock.now() },
        },
      );
    },

    /** First claim makes the staff member the case's owner until an accepted hand-over. */
    claim(id: string, staff: Staff): Promise<TicketEvent> {
      return act(id, staff.id, (ticket) => {
        if (
          (ticket.status === 'claimed' || ticket.status === 'in_progress') &&
          ticket.assignee !== staff.id
        ) {
          throw new DomainError(
            'already_claimed',
            `Case ${ticket.reference} is already claimed by ${ticket.assigneeName || ticket.assignee}`,
          );
        }
        assertFrom('claim', ticket);
        requireOwner(ticket, staff, 'claim');
        const now = deps.clock.now();
        return {
          action: 'claimed',
          to: 'claimed',
          set: { assignee: staff.id, assigneeName: staff.name, acknowledgedAt: ticket.acknowledgedAt ?? now },
        };
      });
    },

    start(id: string, staff: Staff): Promise<TicketEvent> {
      return act(id, staff.id, (ticket) => {
        assertFrom('start', ticket);
        requireOwner(ticket, staff, 'start');
        return {
          action: 'started',
          to: 'in_progress',
          set: { assignee: staff.id, assigneeName: staff.name },
        };
      });
    },

    /**
     * Work done. A summary given here (the Slack Resolve form asks for it on complaints) is
     * kept for closing; `requireSummary` refuses a complaint without one.
     */
    resolve(
      id: string,
      staff: Staff,
      note = '',
      options: { summary?: Partial<TicketSummary>; requireSummary?: boolean } = {},
    ): Promise<TicketEvent> {
      return act(id, staff.id, (ticket) => {
        assertFrom('resolve', ticket);
        requireOwner(ticket, staff, 'resolve');
        const summary = completeSummary(options.summary);
        if (options.requireSummary && isComplaint(ticket) && !summary) {
          throw new DomainError(
            'summary_required',
            `Complaint ${ticket.reference} needs its root cause, corrective action and preventive action to be resolved`,
          );
        }
        return {
          action: 'resolved',
          to: 'resolved',
          set: { resolvedAt: deps.clock.now(), pendingHandover: null, ...(summary ? { summary } : {}) },
          note,
        };
      });
    },

    startReturnVisit(id: string, actor: string): Promise<TicketEvent> {
      return act(id, actor, (ticket) => {
        assertFrom('return_visit', ticket);
        return { action: 'return_visit', to: 'return_visit' };
      });
    },

    /** The owner's answer to the return visit: a rating 1-5 and an optional comment. */
    recordReturnVisit(id: string, answer: { rating: number; comment?: string }): Promise<TicketEvent> {
      if (!Number.isInteger(answer.rating) || answer.rating < 1 || answer.rating > 5) {
        return Promise.reject(new DomainError('invalid_rating', 'A rating is a whole number from 1 to 5'));
      }
      return act(id, 'owner', (ticket) => {
        if (ticket.status !== 'return_visit' && ticket.status !== 'resolved') {
          throw new DomainError(
            'invalid_transition',
            `Case ${ticket.reference} is ${ticket.status}; there is no return visit to answer`,
          );
        }
        return {
          action: 'return_visit_recorded',
          set: {
            returnVisit: {
              rating: answer.rating,
              comment: (answer.comment ?? '').slice(0, 2000),
              at: deps.clock.now(),
            },
          },
        };
      });
    },

    /** A complaint cannot close without its summary: root cause, corrective and preventive action. */
    close(id: string, actor: string, summary?: Partial<TicketSummary>): Promise<TicketEvent> {
      return act(id, actor, (ticket) => {
        assertFrom('close', ticket);
        const complete = completeSummary(summary) ?? completeSummary(ticket.summary);
        if (isComplaint(ticket) && !complete) {
          throw new DomainError(
            'summary_required',
            `Complaint ${ticket.reference} needs a summary before it closes: root cause, corrective action and preventive action`,
          );
        }
        return {
          action: 'closed',
          to: 'closed',
          set: { closedAt: deps.clock.now(), ...(complete ? { summary: complete } : {}) },
        };
      });
    },

    /** Back to work; the staff member who owned it still owns it (first-inquiry responsibility). */
    reopen(id: string, actor: string, reason: string): Promise<TicketEvent> {
      return act(id, actor, (ticket) => {
        assertFrom('reopen', ticket);
        return {
          action: 'reopened',
          to: 'reopened',
          set: { closedAt: null, resolvedAt: null },
          note: reason.slice(0, 500),
        };
      });
    },

    offerHandover(id: string, from: Staff, to: Staff): Promise<TicketEvent> {
      return act(id, from.id, (ticket) => {
        assertFrom('offer_handover', ticket);
        if (ticket.assignee !== from.id) requireOwner(ticket, from, 'hand over');
        if (to.id === from.id)
          throw new DomainError('invalid_handover', 'A case cannot be handed over to its own owner');
        return {
          action: 'handover_offered',
          set: { pendingHandover: { from: from.id, to: to.id, toName: to.name, at: deps.clock.now() } },
          note: `to ${to.name || to.id}`,
        };
      });
    },

    acceptHandover(id: string, to: Staff): Promise<TicketEvent> {
      return act(id, to.id, (ticket) => {
        if (!ticket.pendingHandover || ticket.pendingHandover.to !== to.id) {
          throw new DomainError('no_handover', `Case ${ticket.reference} has no hand-over waiting for you`);
        }
        return {
          action: 'handover_accepted',
          set: { assignee: to.id, assigneeName: to.name, pendingHandover: null },
          note: `from ${ticket.assigneeName || ticket.assignee}`,
        };
      });
    },

    declineHandover(id: string, to: Staff): Promise<TicketEvent> {
      return act(id, to.id, (ticket) => {
        if (!ticket.pendingHandover || ticket.pendingHandover.to !== to.id) {
          throw new DomainError('no_handover', `Case ${ticket.reference} has no hand-over waiting for you`);
        }
        return { action: 'handover_declined', set: { pendingHandover: null } };
      });
    },

    /** Staff's verdict on intent and category; the caller stores it for the classifier too. */
    correctLabels(
      id: string,
      staff: Staff,
      labels: { intent: string; category: string },
    ): Promise<TicketEvent> {
      return act(id, staff.id, () => ({
        action: 'labels_corrected',
        set: { intent: labels.intent, category: labels.category },
        note: `${labels.intent}/${labels.category}`,
      }));
    },

    /** The staff queue: every case not closed, urgent first, then oldest first. */
    async queue(limit = 100): Promise<TicketRecord[]> {
      const open = await Tickets.find({ status: trusted({ $ne: 'closed' }) })
        .sort({ createdAt: 1 })
        .limit(limit)
        .lean<TicketRecord[]>();
      const rank = { urgent: 0, high: 1, normal: 2 } as const;
      return open.sort((a, b) => rank[a.priority] - rank[b.priority]);
    },

    /** The case whose staff thread this is (the escalation message's ts), if any. */
    async byStaffThread(channel: string, threadId: string): Promise<TicketRecord | undefined> {
      return (
        (await Tickets.findOne({
          'staffThread.channel': channel,
          'staffThread.threadId': threadId,
        }).lean<TicketRecord>()) ?? undefined
      );
    },

    async setStaffThread(id: string, thread: { channel: string; threadId: string }): Promise<void> {
      await Tickets.updateOne({ _id: new Types.ObjectId(id) }, { $set: { staffThread: thread } });
    },

    /**
     * Applies every SLA warning and escalation due at `at`, each once even when several
     * instances run this at the same moment, and returns them for the caller to notify.
     */
    async applyDueEscalations(at: Date): Promise<TicketEvent[]> {
      await indexesReady();
      const due = await Tickets.find(
        { status: trusted({ $in: ACTIVE }), slaCheckAt: trusted({ $lte: at }) },
        { _id: 1 },
      )
        .sort({ slaCheckAt: 1 })
        .limit(500)
        .lean();
      const applied: TicketEvent[] = [];
      for (const { _id } of due) {
        // One step per event; a case long overdue gets each of its missed steps in turn.
        for (let guard = 0; guard < 8; guard++) {
          const event = await change(String(_id), 'sla', (ticket) => {
            if (!ACTIVE.includes(ticket.status)) return null;
            const step = dueSlaSteps(
              {
                slaClass: ticket.slaClass,
                openedAt: ticket.createdAt,
                acknowledgedAt: ticket.acknowledgedAt,
                settled: false,
              },
              at,
              policy,
            ).find((candidate) => !ticket.slaSteps.includes(candidate.key));
            if (!step) return null;
            return {
              action: step.type === 'warning' ? 'sla_warning' : 'sla_escalation',
              set:
                step.type === 'escalation'
                  ? { escalationLevel: Math.max(ticket.escalationLevel, step.level) }
                  : {},
              push: { slaSteps: step.key },
              note: `${step.key} -> ${step.target}`,
              step,
            };
          });
          if (!event) break;
          applied.push(event);
        }
      }
      return applied;
    },

    /** The deadlines promised for a case (replies quote the acknowledge time). */
    deadlines(ticket: Pick<TicketRecord, 'slaClass' | 'createdAt' | 'acknowledgedAt'>) {
      return deadlinesOf(
        {
          slaClass: ticket.slaClass,
          openedAt: ticket.createdAt,
          acknowledgedAt: ticket.acknowledgedAt,
          settled: false,
        },
        policy,
      );
    },

    acknowledgeMinutes(kind: TicketKind, intent: string): number {
      return policy.acknowledgeMinutes[slaClassOf(kind, intent)];
    },
  };
}

export type TicketService = ReturnType<typeof createTicketService>;
