import { Types, type Connection } from 'mongoose';
import { CATEGORIES, INTENTS, isCategory, isIntent, type Category, type Intent } from '../../nlp/labels';
import { CHANNEL_NAMES } from '../channels/types';
import type { Clock } from '../clock';
import { trusted } from '../database/connect';
import { AppError, DomainError } from '../errors';
import type { Logger } from '../logging/logger';
import { isDuplicateKey } from '../outbox/outbox';
import {
  DEFAULT_SLA_POLICY,
  deadlinesOf,
  dueSlaSteps,
  type SlaClass,
  type SlaPolicy,
  type SlaStep,
  type SlaSubject,
} from './sla';
import {
  EMERGENCY_KINDS,
  periodKeys,
  REFERENCE_PREFIX,
  TICKET_KINDS,
  ticketModels,
  type CaseIndexRecord,
  type TicketEventRecord,
  type TicketHistoryEntry,
  type TicketKind,
  type TicketMessage,
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

/** What happened to a case, for the caller to tell the owner and staff. Nothing is sent here. */
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
  /** The case right after the event (or a moment later, when another change followed at once). */
  ticket: TicketRecord;
  actor: string;
  /** The event's number on the case (`ticket_events` `<ticketId>:<seq>`); 0 for the opening. */
  seq: number;
  /** For SLA events: the step applied. */
  step?: SlaStep;
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

/** Everything that changes a case: the events callers hear of, plus messages and the staff thread. */
type Action = TicketEvent['type'] | 'owner_message' | 'staff_message' | 'staff_thread_set';

/** What one event does to a ticket: fields to set, extra pushes, and whether it goes in the history. */
interface Change {
  action: Action;
  to?: TicketStatus;
  set?: Record<string, unknown>;
  push?: Record<string, unknown>;
  note?: string;
  step?: SlaStep;
  /** Messages and the staff thread are records of their own, not steps of the method. */
  history?: false;
}

const ACTIVE: readonly TicketStatus[] = ['new', 'claimed', 'in_progress', 'reopened'];
const SETTLED: readonly TicketStatus[] = ['resolved', 'return_visit', 'closed'];
const FAR_FUTURE = new Date('9999-12-31T00:00:00Z');
/** Lost races on one case before giving up; each costs one failed insert. */
const MAX_ATTEMPTS = 20;
/** Reference numbers tried per opening (see `open`); only the embedded engine ever needs a second. */
const REFERENCE_ATTEMPTS = 200;
/** Events applied while catching a case up with its log before calling it stuck. */
const ROLL_FORWARD_LIMIT = 100;

/** The transitions of the trade's method: receive, handle, return visit, summary. */
const ALLOWED: Record<string, readonly TicketStatus[]> = {
  claim: ['new', 'reopened'],
  start: ['claimed', 'reopened'],
  resolve: ['claimed', 'in_progress', 'reopened'],
  return_visit: ['resolved'],
  close: ['resolved', 'return_visit'],
  reopen: ['resolved', 'return_visit', 'closed'],
  offer_handover: ['claimed', 'in_progress', 'reopened'],
  record_return_visit: ['resolved', 'return_visit'],
};

/** How errors name each verb: "Cannot resolve case WO-2611-0042: it is closed (...)". */
const VERB_NAMES: Record<string, string> = {
  return_visit: 'start the return visit of',
  offer_handover: 'hand over',
  record_return_visit: 'record the return visit of',
};

function slaClassOf(kind: TicketKind, intent: string): SlaClass {
  if (kind === 'emergency') return 'emergency';
  if (kind === 'complaint' || intent === 'dissatisfaction') return 'dissatisfaction';
  if (intent === 'help_seeking' || intent === 'consulting') return intent;
  return 'other';
}

const isComplaint = (ticket: Pick<TicketRecord, 'kind' | 'intent'>) =>
  ticket.kind === 'complaint' || ticket.intent === 'dissatisfaction';

function priorityOf(ticket: Pick<TicketRecord, 'kind' | 'intent'>): TicketRecord['priority'] {
  if (ticket.kind === 'emergency') return 'urgent';
  return isComplaint(ticket) ? 'high' : 'normal';
}

type SlaFields = Pick<TicketRecord, 'slaClass' | 'createdAt' | 'acknowledgedAt' | 'status'> &
  Partial<Pick<TicketRecord, 'slaStartedAt' | 'slaRound'>>;

/** The SLA's view of a case. Cases stored before SLA rounds existed count from their opening. */
function slaSubjectOf(ticket: SlaFields): SlaSubject {
  return {
    slaClass: ticket.slaClass,
    openedAt: ticket.slaStartedAt ?? ticket.createdAt,
    acknowledgedAt: ticket.acknowledgedAt,
    settled: SETTLED.includes(ticket.status),
    round: ticket.slaRound ?? 0,
  };
}

/** The next moment an SLA step of this case may fall due (far future once settled or done). */
function nextSlaCheck(ticket: SlaFields & Pick<TicketRecord, 'slaSteps'>, policy: SlaPolicy): Date {
  const subject = slaSubjectOf(ticket);
  if (subject.settled) return FAR_FUTURE;
  const pending = dueSlaSteps(subject, FAR_FUTURE, policy).filter(
    (step) => !ticket.slaSteps.includes(step.key),
  );
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

function transitionError(action: string, ticket: TicketRecord): DomainError {
  const allowed = ALLOWED[action] ?? [];
  return new DomainError(
    'invalid_transition',
    `Cannot ${VERB_NAMES[action] ?? action} case ${ticket.reference}: it is ${ticket.status} (allowed from: ${allowed.join(', ')})`,
  );
}

function assertFrom(action: string, ticket: TicketRecord): void {
  if (!(ALLOWED[action] ?? []).includes(ticket.status)) throw transitionError(action, ticket);
}

/** First-inquiry responsibility: whoever owns a case works it until an accepted hand-over. */
function requireOwner(ticket: TicketRecord, staff: Staff, action: string): void {
  if (ticket.assignee && ticket.assignee !== staff.id && !staff.supervisor) {
    throw new DomainError(
      'not_owner',
      `Case ${ticket.reference} belongs to ${ticket.assigneeName || ticket.assignee} (first-inquiry responsibility); ask them to hand it over before you ${action} it`,
    );
  }
}

function noHandoverError(ticket: TicketRecord): DomainError {
  return new DomainError('no_handover', `Case ${ticket.reference} has no hand-over waiting for you`);
}

/** `listOpen` returns at most this many cases, reading the index's in batches of the second. */
const LIST_OPEN_LIMIT = 20;
const LIST_OPEN_BATCH = 5;
/** Index entries written at once while filling in earlier cases. */
const INDEX_FILL_BATCH = 8;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Cases: opening (idempotent on the opening message), the state machine with first-inquiry
 * responsibility and hand-overs, owners' follow-ups and staff replies, label corrections and
 * the SLA ladder. Verbs return events for the caller to turn into messages; nothing is sent.
 *
 * Every change after the opening is an event: an instance wins event number `version + 1`
 * by inserting `<ticketId>:<seq>` into `ticket_events` (a unique insert, atomic on both
 * engines), then applies it to the ticket with an update conditional on `version`. Two
 * staff claiming at once: one insert wins, the other re-reads and gets "already claimed by
 * ...". Whatever the ticket document missed (a crash between the two writes, or the
 * embedded engine writing a stale whole document over a newer one) is rolled forward from
 * the log the next time the case is read.
 */
export function createTicketService(deps: {
  connection: Connection;
  clock: Clock;
  slaPolicy?: SlaPolicy;
  timeZone?: string;
  logger?: Logger;
}) {
  const { Tickets, Events, Counters, References, CaseIndex } = ticketModels(deps.connection);
  const policy = deps.slaPolicy ?? DEFAULT_SLA_POLICY;
  const log = deps.logger;
  // The unique indexes carry every guarantee here; until they exist, racing inserts would both land.
  let indexes: Promise<unknown> | undefined;
  const indexesReady = () =>
    (indexes ??= Promise.all([Tickets.init(), Events.init(), Counters.init(), References.init()]).catch(
      (error: unknown) => {
        indexes = undefined;
        throw error;
      },
    ));

  /** The case index entries a case is listed under (see `CaseIndexRecord`). */
  const indexNames = (ticket: { identityKey: string; ownerId?: string }): string[] => [
    `identity:${ticket.identityKey}`,
    ...(ticket.ownerId ? [`owner:${ticket.ownerId}`] : []),
  ];
  const addToIndex = async (names: string[], caseIds: string[]) => {
    const add = (name: string, upsert: boolean) =>
      CaseIndex.updateOne({ _id: name }, { $addToSet: { caseIds: { $each: caseIds } } }, { upsert });
    await Promise.all(
      names.map(async (name) => {
        try {
          await add(name, true);
        } catch (error) {
          // Two first cases of one person at once: both upserts insert, one loses; it exists now.
          if (!isDuplicateKey(error)) throw error;
          await add(name, false);
        }
      }),
    );
  };

  /**
   * Cases opened before the index existed (or written straight to the collection, like the
   * demo estate) are added once per process, in the background; until that is done
   * `listOpen` asks the cases collection itself. Cases opened here are always indexed first.
   */
  let indexFilled: Promise<void> | undefined;
  let indexComplete = false;
  const fillIndex = async () => {
    const [cases, entries] = await Promise.all([
      Tickets.find({}, { _id: 1, identityKey: 1, ownerId: 1 }).lean<
        Array<{ _id: unknown; identityKey: string; ownerId: string }>
      >(),
      CaseIndex.find({}).lean<CaseIndexRecord[]>(),
    ]);
    const listed = new Map(entries.map((entry) => [entry._id, new Set(entry.caseIds)]));
    const missing = new Map<string, string[]>();
    for (const ticket of cases) {
      const id = String(ticket._id);
      for (const name of indexNames(ticket)) {
        if (listed.get(name)?.has(id)) continue;
        missing.set(name, [...(missing.get(name) ?? []), id]);
      }
    }
    const names = [...missing.keys()];
    for (let i = 0; i < names.length; i += INDEX_FILL_BATCH) {
      await Promise.all(
        names.slice(i, i + INDEX_FILL_BATCH).map((name) => addToIndex([name], missing.get(name) as string[])),
      );
    }
    if (names.length > 0) log?.info({ entries: names.length }, 'Case index filled in for earlier cases');
  };
  const indexReady = (): boolean => {
    indexFilled ??= fillIndex().then(
      () => {
        indexComplete = true;
      },
      (error: unknown) => {
        indexFilled = undefined;
        log?.warn({ err: error }, 'Filling in the case index failed; the next lookup tries again');
      },
    );
    return indexComplete;
  };

  /** Applies the logged events the document has not caught up with yet. */
  async function rollForward(ticket: TicketRecord): Promise<TicketRecord> {
    let current = ticket;
    for (let step = 0; step < ROLL_FORWARD_LIMIT; step++) {
      const seq = current.version + 1;
      const ahead = await Events.findById(`${String(current._id)}:${seq}`).lean<TicketEventRecord>();
      if (!ahead) return current;
      await Tickets.updateOne(
        { _id: current._id, version: current.version },
        {
          $set: { ...ahead.set, version: seq },
          ...(Object.keys(ahead.push).length > 0 ? { $push: ahead.push } : {}),
        },
      );
      const reread = await Tickets.findById(current._id).lean<TicketRecord>();
      if (!reread) return current; // purged meanwhile
      current = reread;
    }
    throw new AppError('ticket_log_stuck', `Case ${String(ticket._id)} could not catch up with its events`);
  }

  async function find(id: string): Promise<TicketRecord | undefined> {
    if (typeof id !== 'string' || !Types.ObjectId.isValid(id)) return undefined;
    const ticket = await Tickets.findById(id).lean<TicketRecord>();
    return ticket ? rollForward(ticket) : undefined;
  }

  async function load(id: string): Promise<TicketRecord> {
    const ticket = await find(id);
    if (!ticket) throw new DomainError('ticket_not_found', `No case with id ${String(id)}`);
    return ticket;
  }

  /**
   * The case this message opened already, if any (a retried handling). Found through the
   * sender's index entry once the index is complete (every case is indexed under the
   * identity it was opened for), else by `origin`. Either way the unique index on `origin`
   * is what keeps one message from opening two cases.
   */
  async function openedBefore(origin: string, identityKey: string): Promise<TicketRecord | undefined> {
    if (!indexReady()) return findByOrigin(origin);
    const entry = await CaseIndex.findById(`identity:${identityKey}`).lean<CaseIndexRecord>();
    const ids = (entry?.caseIds ?? []).filter((id) => Types.ObjectId.isValid(id));
    // Someone with many cases: one query costs less than reading each.
    if (ids.length > LIST_OPEN_LIMIT) return findByOrigin(origin);
    for (const ticket of await Promise.all(ids.map((id) => Tickets.findById(id).lean<TicketRecord>()))) {
      if (ticket?.origin === origin) return rollForward(ticket);
    }
    return undefined;
  }

  async function findByOrigin(origin: string): Promise<TicketRecord | undefined> {
    const ticket = await Tickets.findOne({ origin }).lean<TicketRecord>();
    return ticket ? rollForward(ticket) : undefined;
  }

  /** `WO-2611`: the kind's prefix and the year and month of the opening, in the company's time zone. */
  function referencePrefix(kind: TicketKind, at: Date): string {
    const { month } = periodKeys(at, deps.timeZone);
    return `${REFERENCE_PREFIX[kind]}-${month.slice(2, 4)}${month.slice(5, 7)}`;
  }

  /** The next number of a monthly counter: exact on MongoDB, a hint on the embedded engine. */
  async function drawNumber(prefix: string): Promise<number> {
    for (let attempt = 1; ; attempt++) {
      try {
        const counter = await Counters.findOneAndUpdate(
          { _id: prefix },
          { $inc: { value: 1 } },
          { upsert: true, returnDocument: 'after' },
        ).lean();
        return counter?.value ?? 1;
      } catch (error) {
        // Two first-of-the-month upserts raced; the counter exists now, so increment it.
        if (!isDuplicateKey(error) || attempt >= 3) throw error;
      }
    }
  }

  /**
   * A reference no other case has. MongoDB's $inc hands out each number once. The embedded
   * engine's $inc is read, then write, so racing openers draw the same number (or an older
   * one): each claims its number with a unique insert, and the losers, spread out in time,
   * walk up from the highest number recorded. A number is skipped only when its claim
   * outlives its case (a crash between the two inserts, one message opened twice at once).
   */
  async function claimReference(prefix: string, origin: string, at: Date): Promise<string> {
    let number = await drawNumber(prefix);
    for (let attempt = 0; attempt < REFERENCE_ATTEMPTS; attempt++) {
      const reference = `${prefix}-${String(number).padStart(4, '0')}`;
      try {
        await References.create({ _id: reference, origin, at });
        // Keeps the counter's hint at or above what the walk took.
        await Counters.updateOne({ _id: prefix }, { $max: { value: number } });
        return reference;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        if ((await References.findById(reference).lean())?.origin === origin) return reference; // ours, before a crash
        await sleep(Math.random() * Math.min(5 * 2 ** attempt, 100));
        const counter = await Counters.findById(prefix).lean();
        number = Math.max(number + 1, (counter?.value ?? 0) + 1);
      }
    }
    throw new DomainError('reference_exhausted', 'Could not allocate a case reference; try again');
  }

  const received = (ticket: TicketRecord, created: boolean) => ({
    ticket,
    created,
    event: { type: 'received', ticket, actor: 'bot', seq: 0 } as TicketEvent,
  });

  /**
   * Decides and applies the next event of a case; retries when another instance took that
   * event number first. A null decision changes nothing and returns the case as it is.
   */
  async function change(
    id: string,
    actor: string,
    decide: (ticket: TicketRecord) => Change | null,
  ): Promise<{ ticket: TicketRecord; seq: number; change: Change | null }> {
    await indexesReady();
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const ticket = await load(id);
      const decided = decide(ticket);
      if (!decided) return { ticket, seq: ticket.version, change: null };
      const seq = ticket.version + 1;
      const now = deps.clock.now();
      const set: Record<string, unknown> = { ...decided.set, updatedAt: now };
      if (decided.to) set.status = decided.to;
      const push: Record<string, unknown> = { ...decided.push };
      if (decided.history !== false) {
        const entry: TicketHistoryEntry = {
          seq,
          at: now,
          actor,
          action: decided.action,
          from: decided.to ? ticket.status : '',
          to: decided.to ?? '',
          note: decided.note ?? '',
        };
        push.history = entry;
      }
      const after = { ...ticket, ...(set as Partial<TicketRecord>) };
      const slaSteps = decided.step ? [...after.slaSteps, decided.step.key] : after.slaSteps;
      set.slaCheckAt = nextSlaCheck({ ...after, slaSteps }, policy);
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
        if (!isDuplicateKey(error)) throw error;
        // Another instance won this event: give it a moment to land, then re-read and decide again.
        await sleep(Math.random() * 4 * (attempt + 1));
        continue;
      }
      await Tickets.updateOne(
        { _id: ticket._id, version: ticket.version },
        { $set: { ...set, version: seq }, ...(Object.keys(push).length > 0 ? { $push: push } : {}) },
      );
      return { ticket: await load(id), seq, change: decided };
    }
    throw new DomainError('ticket_busy', 'The case changed too often at once; try again');
  }

  /** Like `change`, for the verbs that always do something (they throw rather than decide nothing). */
  async function act(
    id: string,
    actor: string,
    decide: (ticket: TicketRecord) => Change,
  ): Promise<TicketEvent> {
    const { ticket, seq, change: decided } = await change(id, actor, decide);
    if (!decided) throw new Error('a staff action decided nothing');
    return {
      type: decided.action as TicketEvent['type'],
      ticket,
      actor,
      seq,
      ...(decided.step ? { step: decided.step } : {}),
    };
  }

  /** Adds a message once per `messageKey`, however many times and instances try at once. */
  async function addMessage(id: string, actor: string, message: TicketMessage): Promise<boolean> {
    const { change: decided } = await change(id, actor, (ticket) => {
      if (ticket.messages.some((existing) => existing.messageKey === message.messageKey)) return null;
      const later = message.from === 'owner' && message.at > ticket.lastOwnerMessageAt;
      return {
        action: message.from === 'owner' ? 'owner_message' : 'staff_message',
        set: later ? { lastOwnerMessageAt: message.at } : {},
        push: { messages: message },
        history: false,
      };
    });
    return decided !== null;
  }

  return {
    /**
     * Opens a case for the message; opening again for the same message (a retry, another
     * instance) returns the same case with `created: false`. Emergencies are urgent,
     * complaints (kind or dissatisfaction) high. The reference is unique: `WO-2611-0042`.
     */
    async open(
      input: OpenTicketInput,
    ): Promise<{ ticket: TicketRecord; created: boolean; event: TicketEvent }> {
      assertValidOpenInput(input);
      await indexesReady();
      const existing = await openedBefore(input.origin, input.identityKey);
      if (existing) return received(existing, false);
      const now = deps.clock.now();
      const { quarter, month } = periodKeys(now, deps.timeZone);
      const record = {
        origin: input.origin,
        kind: input.kind,
        slaClass: slaClassOf(input.kind, input.intent),
        intent: input.intent,
        category: input.category,
        emergencyKind: input.emergencyKind ?? '',
        priority: priorityOf(input),
        ownerId: input.ownerId ?? '',
        identityKey: input.identityKey,
        verified: input.verified,
        address: {
          channel: input.address.channel,
          conversationId: input.address.conversationId,
          threadId: input.address.threadId ?? '',
        },
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
        status: 'new' as const,
        assignee: '',
        assigneeName: '',
        pendingHandover: null,
        history: [
          { seq: 0, at: now, actor: 'bot', action: 'received', from: '', to: 'new', note: '' },
        ] as TicketHistoryEntry[],
        summary: null,
        acknowledgedAt: null,
        resolvedAt: null,
        closedAt: null,
        slaStartedAt: now,
        slaRound: 0,
        slaSteps: [] as string[],
        escalationLevel: 0,
        lastOwnerMessageAt: now,
        staffThread: null,
        returnVisit: { rating: null, comment: '', at: null },
        version: 0,
        quarter,
        month,
        createdAt: now,
        updatedAt: now,
      };
      const slaCheckAt = nextSlaCheck(record, policy);
      const prefix = referencePrefix(input.kind, now);
      // Indexed before it exists, so `listOpen` never misses it (a case never written leaves
      // an id that finds nothing, which costs nothing).
      const _id = new Types.ObjectId();
      await addToIndex(indexNames(record), [String(_id)]);
      // A case opened before reference claims existed may hold the number claimed: take another.
      for (let attempt = 0; attempt < REFERENCE_ATTEMPTS; attempt++) {
        const reference = await claimReference(prefix, input.origin, now);
        try {
          const created = await Tickets.create({ _id, ...record, reference, slaCheckAt });
          const ticket = created.toObject() as TicketRecord;
          log?.info({ reference, kind: input.kind, priority: ticket.priority }, 'Case opened');
          return received(ticket, true);
        } catch (error) {
          if (!isDuplicateKey(error)) throw error;
          const raced = await findByOrigin(input.origin);
          if (raced) return received(raced, false); // the same message opened it a moment ago
          await Counters.updateOne(
            { _id: prefix },
            { $max: { value: Number(reference.slice(prefix.length + 1)) } },
          );
        }
      }
      throw new DomainError('reference_exhausted', 'Could not allocate a case reference; try again');
    },

    /** A case by id, caught up with its events; DomainError `ticket_not_found` when there is none. */
    get: load,

    /** A case by the reference owners and staff quote ("wo-2611-0042" works too). */
    async getByReference(reference: string): Promise<TicketRecord | undefined> {
      if (typeof reference !== 'string') return undefined;
      const ticket = await Tickets.findOne({
        reference: reference.trim().toUpperCase(),
      }).lean<TicketRecord>();
      return ticket ? rollForward(ticket) : undefined;
    },

    /**
     * The cases of a person that are not closed, newest first: those opened from this
     * channel identity, and with `ownerId` also the owner's from any channel. The first is
     * the one an owner's follow-up belongs to.
     */
    async listOpen(identityKey: string, ownerId = ''): Promise<TicketRecord[]> {
      if (!indexReady()) {
        const who = ownerId ? trusted({ $or: [{ identityKey }, { ownerId }] }) : { identityKey };
        return Tickets.find({ ...who, status: trusted({ $ne: 'closed' }) })
          .sort({ createdAt: -1 })
          .limit(LIST_OPEN_LIMIT)
          .lean<TicketRecord[]>();
      }
      // The same answer through the index: the listed cases, newest first (an ObjectId starts
      // with its creation time), read by `_id` and checked as the query above would.
      const entries = await Promise.all(
        indexNames({ identityKey, ownerId }).map((name) => CaseIndex.findById(name).lean<CaseIndexRecord>()),
      );
      const ids = [...new Set(entries.flatMap((entry) => entry?.caseIds ?? []))].sort().reverse();
      const open: TicketRecord[] = [];
      for (let i = 0; i < ids.length && open.length < LIST_OPEN_LIMIT; i += LIST_OPEN_BATCH) {
        const batch = ids.slice(i, i + LIST_OPEN_BATCH).filter((id) => Types.ObjectId.isValid(id));
        for (const ticket of await Promise.all(
          batch.map((id) => Tickets.findById(id).lean<TicketRecord>()),
        )) {
          if (!ticket || ticket.status === 'closed') continue;
          if (ticket.identityKey === identityKey || (ownerId !== '' && ticket.ownerId === ownerId))
            open.push(ticket);
        }
      }
      return open.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime()).slice(0, LIST_OPEN_LIMIT);
    },

    /**
     * Adds an owner's follow-up to a case. The same message (same `messageKey`) is added
     * once, even when retried from several instances at once; returns whether it was added.
     */
    async addOwnerMessage(
      id: string,
      message: {
        text: string;
        messageKey: string;
        at: Date;
        attachments?: Array<{ kind: string; reference: string }>;
      },
    ): Promise<boolean> {
      return addMessage(id, 'owner', {
        at: message.at,
        from: 'owner',
        text: message.text,
        messageKey: message.messageKey,
        attachments: message.attachments ?? [],
      });
    },

    /** A staff reply, kept on the case once per `messageKey` (the desk sends it through the outbox). */
    async addStaffMessage(id: string, staff: Staff, text: string, messageKey: string): Promise<boolean> {
      return addMessage(id, staff.id, {
        at: deps.clock.now(),
        from: 'staff',
        text,
        messageKey,
        attachments: [],
      });
    },

    /**
     * First claim makes the staff member the case's owner until an accepted hand-over. Of
     * two claims at once exactly one wins; the other gets `already_claimed` naming the owner.
     */
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
        return {
          action: 'claimed',
          to: 'claimed',
          set: {
            assignee: staff.id,
            assigneeName: staff.name,
            acknowledgedAt: ticket.acknowledgedAt ?? deps.clock.now(),
          },
        };
      });
    },

    /** Work begins (a reopened case may go straight back to work without a new claim). */
    start(id: string, staff: Staff): Promise<TicketEvent> {
      return act(id, staff.id, (ticket) => {
        assertFrom('start', ticket);
        requireOwner(ticket, staff, 'start');
        return {
          action: 'started',
          to: 'in_progress',
          set: {
            assignee: staff.id,
            assigneeName: staff.name,
            acknowledgedAt: ticket.acknowledgedAt ?? deps.clock.now(),
          },
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
        const now = deps.clock.now();
        return {
          action: 'resolved',
          to: 'resolved',
          set: {
            resolvedAt: now,
            acknowledgedAt: ticket.acknowledgedAt ?? now,
            pendingHandover: null,
            ...(summary ? { summary } : {}),
          },
          note: String(note).slice(0, 2000),
        };
      });
    },

    /** The return visit begins: the owner is asked whether the problem is really gone. */
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
        assertFrom('record_return_visit', ticket);
        return {
          action: 'return_visit_recorded',
          set: {
            returnVisit: {
              rating: answer.rating,
              comment: String(answer.comment ?? '').slice(0, 2000),
              at: deps.clock.now(),
            },
          },
        };
      });
    },

    /**
     * Closes a resolved case. A complaint (kind complaint or intent dissatisfaction) needs a
     * summary with all three parts, given here or when resolving: `summary_required` otherwise.
     */
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

    /**
     * Back to work; the staff member who owned it still owns it (first-inquiry
     * responsibility) and claims it again. The SLA starts a new round from now, so an old
     * case does not go straight to the manager.
     */
    reopen(id: string, actor: string, reason: string): Promise<TicketEvent> {
      return act(id, actor, (ticket) => {
        assertFrom('reopen', ticket);
        const now = deps.clock.now();
        return {
          action: 'reopened',
          to: 'reopened',
          set: {
            closedAt: null,
            resolvedAt: null,
            pendingHandover: null,
            acknowledgedAt: null,
            slaStartedAt: now,
            slaRound: (ticket.slaRound ?? 0) + 1,
            slaSteps: [],
            escalationLevel: 0,
          },
          note: String(reason ?? '').slice(0, 500),
        };
      });
    },

    /** The owner (or a supervisor) offers the case to a colleague; it stays theirs until `to` accepts. */
    offerHandover(id: string, from: Staff, to: Staff): Promise<TicketEvent> {
      return act(id, from.id, (ticket) => {
        assertFrom('offer_handover', ticket);
        requireOwner(ticket, from, 'hand over');
        if (to.id === ticket.assignee)
          throw new DomainError(
            'invalid_handover',
            `${to.name || to.id} already owns case ${ticket.reference}`,
          );
        return {
          action: 'handover_offered',
          set: { pendingHandover: { from: from.id, to: to.id, toName: to.name, at: deps.clock.now() } },
          note: `to ${to.name || to.id}`,
        };
      });
    },

    /** The colleague offered the case takes it: from now on it is theirs. */
    acceptHandover(id: string, to: Staff): Promise<TicketEvent> {
      return act(id, to.id, (ticket) => {
        if (ticket.pendingHandover?.to !== to.id) throw noHandoverError(ticket);
        return {
          action: 'handover_accepted',
          set: { assignee: to.id, assigneeName: to.name, pendingHandover: null },
          note: `from ${ticket.assigneeName || ticket.assignee}`,
        };
      });
    },

    /** The colleague offered the case says no: it stays with its owner. */
    declineHandover(id: string, to: Staff): Promise<TicketEvent> {
      return act(id, to.id, (ticket) => {
        if (ticket.pendingHandover?.to !== to.id) throw noHandoverError(ticket);
        return { action: 'handover_declined', set: { pendingHandover: null } };
      });
    },

    /**
     * Staff's verdict on intent and category. Returns the correction for the classifier's
     * store (the understanding service owns the `corrections` collection); the same verdict
     * again changes nothing and returns the same correction.
     */
    async correctLabels(
      id: string,
      staff: Staff,
      labels: { intent: string; category: string },
    ): Promise<TicketEvent & { correction: LabelCorrection }> {
      const { intent, category } = labels;
      if (!isIntent(intent) || !isCategory(category)) {
        throw new DomainError(
          'invalid_labels',
          `Intent must be one of ${INTENTS.join(', ')}; category one of ${CATEGORIES.join(', ')}`,
        );
      }
      const { ticket, seq } = await change(id, staff.id, (current) => {
        if (current.intent === intent && current.category === category) return null;
        return {
          action: 'labels_corrected',
          set: { intent, category, priority: priorityOf({ kind: current.kind, intent }) },
          note: `${current.intent}/${current.category} -> ${intent}/${category}`,
        };
      });
      const first = ticket.messages.find((message) => message.from === 'owner');
      const entry = ticket.history.findLast((h) => h.action === 'labels_corrected');
      return {
        type: 'labels_corrected',
        ticket,
        actor: staff.id,
        seq: entry?.seq ?? seq,
        correction: {
          text: first?.text || ticket.title,
          intent,
          category,
          staffId: staff.id,
          ticketId: String(ticket._id),
          at: entry?.at ?? deps.clock.now(),
        },
      };
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
      const ticket = await Tickets.findOne({
        'staffThread.threadId': String(threadId),
        'staffThread.channel': String(channel),
      }).lean<TicketRecord>();
      return ticket ? rollForward(ticket) : undefined;
    },

    /** Where staff discuss the case (set by the Slack desk once the escalation is posted). */
    async setStaffThread(id: string, thread: { channel: string; threadId: string }): Promise<void> {
      await change(id, 'desk', (ticket) =>
        ticket.staffThread?.channel === thread.channel && ticket.staffThread.threadId === thread.threadId
          ? null
          : {
              action: 'staff_thread_set',
              set: { staffThread: { channel: thread.channel, threadId: thread.threadId } },
              history: false,
            },
      );
    },

    /**
     * Applies every SLA warning and escalation due at `at`, each once even when several
     * instances run this at the same moment, and returns them for the caller to notify.
     * A case long overdue gets each missed step in turn, oldest first.
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
        // A round has at most 8 steps: a warning and three rungs for each of two deadlines.
        for (let guard = 0; guard < 8; guard++) {
          const {
            ticket,
            seq,
            change: decided,
          } = await change(String(_id), 'sla', (current) => {
            if (!ACTIVE.includes(current.status)) return null;
            const step = dueSlaSteps(slaSubjectOf(current), at, policy).find(
              (candidate) => !current.slaSteps.includes(candidate.key),
            );
            if (!step) return null;
            return {
              action: step.type === 'warning' ? 'sla_warning' : 'sla_escalation',
              set:
                step.type === 'escalation'
                  ? { escalationLevel: Math.max(current.escalationLevel, step.level) }
                  : {},
              push: { slaSteps: step.key },
              note: `${step.key} -> ${step.target}`,
              step,
            };
          });
          if (!decided?.step) break;
          applied.push({
            type: decided.action as TicketEvent['type'],
            ticket,
            actor: 'sla',
            seq,
            step: decided.step,
          });
        }
      }
      return applied;
    },

    /** The deadlines promised for a case in its current SLA round (replies quote the acknowledge time). */
    deadlines(ticket: Pick<TicketRecord, 'slaClass' | 'createdAt' | 'acknowledgedAt'> & Partial<SlaFields>) {
      return deadlinesOf(slaSubjectOf({ status: 'new', ...ticket }), policy);
    },

    /** Minutes to acknowledge a case of this kind and intent. */
    acknowledgeMinutes(kind: TicketKind, intent: string): number {
      return policy.acknowledgeMinutes[slaClassOf(kind, intent)];
    },
  };
}

export type TicketService = ReturnType<typeof createTicketService>;

/** Input from our own code (the dialog), so a bad value is a bug: every problem is named at once. */
function assertValidOpenInput(input: OpenTicketInput): void {
  const problems: string[] = [];
  if (!TICKET_KINDS.includes(input?.kind)) problems.push(`kind must be one of ${TICKET_KINDS.join(', ')}`);
  if (!isIntent(input?.intent)) problems.push(`intent must be one of ${INTENTS.join(', ')}`);
  if (!isCategory(input?.category)) problems.push(`category must be one of ${CATEGORIES.join(', ')}`);
  if (input?.emergencyKind && !(EMERGENCY_KINDS as readonly string[]).includes(input.emergencyKind))
    problems.push(`emergencyKind must be '' or one of ${EMERGENCY_KINDS.join(', ')}`);
  if (typeof input?.origin !== 'string' || input.origin.length === 0 || input.origin.length > 300)
    problems.push('origin must be a string of 1-300 characters (<channel>:<platform message id>)');
  if (typeof input?.identityKey !== 'string' || input.identityKey.length === 0)
    problems.push('identityKey is required');
  if (
    !(CHANNEL_NAMES as readonly string[]).includes(input?.address?.channel) ||
    typeof input.address.conversationId !== 'string' ||
    input.address.conversationId.length === 0
  )
    problems.push('address needs a channel and a conversationId');
  if (input?.language !== 'zh' && input?.language !== 'en') problems.push('language must be zh or en');
  if (typeof input?.text !== 'string') problems.push('text must be a string');
  if (problems.length > 0) throw new AppError('ticket_input_invalid', `Invalid case: ${problems.join('; ')}`);
}
