import { Types, type Model } from 'mongoose';
import { CATEGORIES, INTENTS, isCategory, isIntent } from '../../nlp/labels';
import { CHANNEL_NAMES } from '../channels/types';
import type { Clock } from '../clock';
import { AppError, DomainError } from '../errors';
import type { Logger } from '../logging/logger';
import { insertBatched } from '../database/insert-batches';
import { castForInsert } from '../database/cast-for-insert';
import { botMessage } from './case-messages';
import { nextSlaCheck } from './case-sla';
import type { SlaPolicy } from './sla';
import {
  EMERGENCY_KINDS,
  periodKeys,
  REFERENCE_PREFIX,
  TICKET_KINDS,
  type CounterRecord,
  type TicketKind,
  type TicketRecord,
} from './ticket-model';
import { priorityOf, slaClassOf } from './transitions';

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

export interface OpenOptions {
  /**
   * The opening message's first handling: no earlier attempt can have opened its case, so
   * none is looked for (should one exist after all, the unique `origin` still finds it, at
   * the cost of a reference number).
   */
  firstAttempt?: boolean;
  /**
   * The bot's first words on the new case, kept in its insert: they name its reference, so
   * they are written with the case instead of by a second write right after it.
   */
  botReply?: (opened: TicketRecord) => { text: string; messageKey: string };
}

/**
 * References drawn for one opening before giving up. Only a counter behind the stored cases
 * (restored from an older backup, or removed) ever hands out a taken number; the unique
 * index on `reference` refuses it and the next number is drawn.
 */
const REFERENCE_ATTEMPTS = 50;

type NewCase = Omit<TicketRecord, '_id' | 'reference'>;

/** Input from our own code (the dialog), so a bad value is a bug: every problem is named at once. */
export function assertValidOpenInput(input: OpenTicketInput): void {
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

/** A new case as stored, all but its reference: status new, the message as its first, the SLA clock started. */
export function newCase(
  input: OpenTicketInput,
  now: Date,
  options: { timeZone?: string; policy: SlaPolicy },
): NewCase {
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
        from: 'owner',
        text: input.text,
        messageKey: input.origin,
        attachments: input.attachments ?? [],
      },
    ],
    status: 'new',
    assignee: '',
    assigneeName: '',
    pendingHandover: null,
    history: [{ seq: 0, at: now, actor: 'bot', action: 'received', from: '', to: 'new', note: '' }],
    summary: null,
    acknowledgedAt: null,
    resolvedAt: null,
    closedAt: null,
    slaStartedAt: now,
    slaRound: 0,
    slaSteps: [],
    escalationLevel: 0,
    lastOwnerMessageAt: now,
    staffThread: null,
    returnVisit: { rating: null, comment: '', at: null },
    version: 0,
    ...periodKeys(now, options.timeZone),
    createdAt: now,
    updatedAt: now,
  } satisfies Omit<NewCase, 'slaCheckAt'>;
  return { ...record, slaCheckAt: nextSlaCheck(record, options.policy) };
}

/**
 * Opening a case, idempotent on the opening message: the unique index on `origin` lets one
 * insert win; every other opening of that message gets the stored case. References come
 * from a monthly counter (`WO-2611-0042`), unique by the index on `reference`.
 */
export function createCaseOpener(deps: {
  Tickets: Model<TicketRecord>;
  Counters: Model<CounterRecord>;
  clock: Clock;
  policy: SlaPolicy;
  timeZone?: string;
  logger?: Logger;
}) {
  const { Tickets, Counters } = deps;
  // The unique indexes carry every guarantee here; until they exist, racing inserts would both land.
  let indexes: Promise<unknown> | undefined;
  const indexesReady = () =>
    (indexes ??= Promise.all([Tickets.init(), Counters.init()]).catch((error: unknown) => {
      indexes = undefined;
      throw error;
    }));

  const byOrigin = async (origin: string) =>
    (await Tickets.findOne({ origin }).lean<TicketRecord>()) ?? undefined;

  /** The next reference of the kind's counter for the month of `at`, in the company's time zone. */
  async function drawReference(kind: TicketKind, at: Date): Promise<string> {
    const { month } = periodKeys(at, deps.timeZone);
    const prefix = `${REFERENCE_PREFIX[kind]}-${month.slice(2, 4)}${month.slice(5, 7)}`;
    // The driver's own update: nothing here needs mongoose's casting, on each case opened.
    const counter = (await Counters.collection.findOneAndUpdate(
      { _id: prefix as never },
      { $inc: { value: 1 } },
      { upsert: true, returnDocument: 'after' },
    )) as CounterRecord | null;
    return `${prefix}-${String(counter?.value ?? 1).padStart(4, '0')}`;
  }

  /** The stored case for this message and whether this call created it. */
  async function open(
    input: OpenTicketInput,
    options: OpenOptions = {},
  ): Promise<{ ticket: TicketRecord; created: boolean }> {
    assertValidOpenInput(input);
    await indexesReady();
    // A retried handling finds its case here without drawing a number.
    const existing = options.firstAttempt ? undefined : await byOrigin(input.origin);
    if (existing) return { ticket: existing, created: false };
    const now = deps.clock.now();
    const record = newCase(input, now, { policy: deps.policy, timeZone: deps.timeZone });
    for (let attempt = 0; attempt < REFERENCE_ATTEMPTS; attempt++) {
      const reference = await drawReference(input.kind, now);
      const draft = { ...record, _id: new Types.ObjectId(), reference } as TicketRecord;
      const reply = options.botReply?.(draft);
      if (reply) draft.messages = [...draft.messages, botMessage(reply.text, reply.messageKey, now)];
      const ticket = (await castForInsert(Tickets, draft)) as unknown as TicketRecord;
      const [inserted] = await insertBatched(Tickets, [ticket as unknown as Record<string, unknown>]);
      if (inserted) {
        deps.logger?.info({ reference, kind: input.kind, priority: ticket.priority }, 'Case opened');
        return { ticket, created: true };
      }
      // Either the same message was opened a moment ago, or the number was taken: draw the next.
      const raced = await byOrigin(input.origin);
      if (raced) return { ticket: raced, created: false };
    }
    throw new DomainError('reference_exhausted', 'Could not allocate a case reference; try again');
  }

  return { open };
}
