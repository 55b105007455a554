import { modelOn } from '../database/model';
import { Schema, type Connection, type Types } from 'mongoose';
import type { EmergencyKind } from '../../nlp/emergency';
import { CATEGORIES, INTENTS } from '../../nlp/labels';
import type { SlaClass } from './sla';

export const TICKET_KINDS = ['work_order', 'complaint', 'consulting', 'suggestion', 'emergency'] as const;
export type TicketKind = (typeof TICKET_KINDS)[number];

/** The emergencies nlp/emergency.ts detects; a case that is none stores ''. */
export const EMERGENCY_KINDS = [
  'fire',
  'gas',
  'flood',
  'lift_entrapment',
  'electrical',
  'medical',
  'violence',
  'locked_in_car',
  'outage',
  'unspecified',
] as const satisfies readonly EmergencyKind[];
// Fails to compile when the detector learns a kind this list lacks.
const _everyEmergencyKind: readonly (typeof EMERGENCY_KINDS)[number][] = [] as EmergencyKind[];
void _everyEmergencyKind;

export const TICKET_STATUSES = [
  'new',
  'claimed',
  'in_progress',
  'resolved',
  'return_visit',
  'closed',
  'reopened',
] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

/** Reference prefixes owners and staff quote: WO-2611-0042. */
export const REFERENCE_PREFIX: Record<TicketKind, string> = {
  work_order: 'WO',
  complaint: 'CP',
  consulting: 'CS',
  suggestion: 'SG',
  emergency: 'EM',
};

export interface TicketMessage {
  at: Date;
  from: 'owner' | 'staff' | 'bot';
  text: string;
  /** `<channel>:<platform message id>` for owner messages, the desk's reply key for staff: one entry per key. */
  messageKey: string;
  attachments: Array<{ kind: string; reference: string }>;
}

export interface TicketHistoryEntry {
  seq: number;
  at: Date;
  actor: string;
  action: string;
  from: TicketStatus | '';
  to: TicketStatus | '';
  note: string;
}

export interface TicketSummary {
  rootCause: string;
  correctiveAction: string;
  preventiveAction: string;
}

/**
 * A case. Optional values are stored as '' or null, never missing (the embedded engine
 * ignores `sparse`). `version` is the number of the last event applied from
 * `ticket_events` (see ticket-service.ts): the events decide, the document follows, and
 * every write to a case after its creation is such an event.
 */
export interface TicketRecord {
  _id: Types.ObjectId;
  reference: string;
  /** `<channel>:<platform message id>` of the message that opened it: one case per message. */
  origin: string;
  kind: TicketKind;
  slaClass: SlaClass;
  intent: string;
  category: string;
  emergencyKind: string;
  priority: 'urgent' | 'high' | 'normal';
  ownerId: string;
  identityKey: string;
  verified: boolean;
  address: { channel: string; conversationId: string; threadId: string };
  language: 'zh' | 'en';
  building: string;
  unit: string;
  title: string;
  messages: TicketMessage[];
  status: TicketStatus;
  /** The staff member who owns the case (first-inquiry responsibility); '' until claimed. */
  assignee: string;
  assigneeName: string;
  pendingHandover: { from: string; to: string; toName: string; at: Date } | null;
  history: TicketHistoryEntry[];
  summary: TicketSummary | null;
  /** When staff took the case on (claim, start or resolve) in the current SLA round; null before. */
  acknowledgedAt: Date | null;
  resolvedAt: Date | null;
  closedAt: Date | null;
  /** When the SLA clock of the current round started: the opening, or the last reopening. */
  slaStartedAt: Date;
  /** Reopenings so far; each starts a fresh SLA round (see sla.ts `round`). */
  slaRound: number;
  /** SLA step keys applied in this round ("acknowledge:warning", "r1:resolve:escalation:2"). */
  slaSteps: string[];
  /** The highest ladder rung reached in this round: 0 none, 1 desk, 2 supervisor, 3 manager. */
  escalationLevel: number;
  /** When the next SLA step may be due; far future once settled (an indexed poll field). */
  slaCheckAt: Date;
  lastOwnerMessageAt: Date;
  staffThread: { channel: string; threadId: string } | null;
  returnVisit: { rating: number | null; comment: string; at: Date | null };
  version: number;
  /** Derived keys for reports (no date operators in the embedded engine's aggregation). */
  quarter: string;
  month: string;
  createdAt: Date;
  updatedAt: Date;
}

const attachmentSchema = new Schema(
  { kind: { type: String, required: true }, reference: { type: String, required: true } },
  { _id: false },
);

const ticketSchema = new Schema<TicketRecord>(
  {
    reference: { type: String, required: true, unique: true },
    origin: { type: String, required: true, unique: true },
    kind: { type: String, required: true, enum: TICKET_KINDS },
    slaClass: { type: String, required: true },
    intent: { type: String, required: true, enum: INTENTS },
    category: { type: String, required: true, enum: CATEGORIES },
    emergencyKind: { type: String, default: '', enum: ['', ...EMERGENCY_KINDS] },
    priority: { type: String, required: true, enum: ['urgent', 'high', 'normal'] },
    ownerId: { type: String, default: '' },
    identityKey: { type: String, required: true },
    verified: { type: Boolean, default: false },
    address: {
      channel: { type: String, required: true },
      conversationId: { type: String, required: true },
      threadId: { type: String, default: '' },
    },
    language: { type: String, required: true, enum: ['zh', 'en'] },
    building: { type: String, default: '' },
    unit: { type: String, default: '' },
    title: { type: String, required: true },
    messages: [
      new Schema(
        {
          at: { type: Date, required: true },
          from: { type: String, required: true },
          text: { type: String, default: '' },
          messageKey: { type: String, default: '' },
          attachments: { type: [attachmentSchema], default: [] },
        },
        { _id: false },
      ),
    ],
    status: { type: String, required: true, enum: TICKET_STATUSES },
    assignee: { type: String, default: '' },
    assigneeName: { type: String, default: '' },
    pendingHandover: { type: Schema.Types.Mixed, default: null },
    history: { type: Schema.Types.Mixed, default: [] },
    summary: { type: Schema.Types.Mixed, default: null },
    acknowledgedAt: { type: Date, default: null },
    resolvedAt: { type: Date, default: null },
    closedAt: { type: Date, default: null },
    slaStartedAt: { type: Date, required: true },
    slaRound: { type: Number, default: 0 },
    slaSteps: { type: [String], default: [] },
    escalationLevel: { type: Number, default: 0 },
    slaCheckAt: { type: Date, required: true },
    lastOwnerMessageAt: { type: Date, required: true },
    staffThread: { type: Schema.Types.Mixed, default: null },
    returnVisit: {
      rating: { type: Number, default: null },
      comment: { type: String, default: '' },
      at: { type: Date, default: null },
    },
    version: { type: Number, default: 0 },
    quarter: { type: String, required: true },
    month: { type: String, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false },
);
ticketSchema.index({ identityKey: 1, status: 1 });
ticketSchema.index({ ownerId: 1, status: 1 });
ticketSchema.index({ status: 1, slaCheckAt: 1 });
ticketSchema.index({ quarter: 1, kind: 1 });
// Slack thread replies find their case by the escalation message's ts.
ticketSchema.index({ 'staffThread.threadId': 1 });

/**
 * One document per event of a case, `_id` = `<ticketId>:<seq>`. Inserting it is how an
 * instance wins the right to apply event `seq`: the unique `_id` lets exactly one win, on
 * MongoDB and on the embedded engine alike. The embedded engine runs a conditional update
 * as a read, then a write of the whole document, so racing writers all "match" (measured
 * on FerretDB 1.24: of five concurrent `findOneAndUpdate({status: 'new'})`, more than one
 * "won" in 29 of 30 rounds, and 50 concurrent `$inc` added 7).
 */
export interface TicketEventRecord {
  _id: string;
  ticketId: string;
  seq: number;
  at: Date;
  actor: string;
  action: string;
  /** The fields the event sets on the ticket, so a crash between the two writes can be rolled forward. */
  set: Record<string, unknown>;
  push: Record<string, unknown>;
}

const eventSchema = new Schema<TicketEventRecord>(
  {
    _id: { type: String, required: true },
    ticketId: { type: String, required: true, index: true },
    seq: { type: Number, required: true },
    at: { type: Date, required: true },
    actor: { type: String, required: true },
    action: { type: String, required: true },
    set: { type: Schema.Types.Mixed, default: {} },
    push: { type: Schema.Types.Mixed, default: {} },
  },
  { versionKey: false, minimize: false },
);

/** Monthly reference counters: `_id` = `WO-2611`. */
interface CounterRecord {
  _id: string;
  value: number;
}
const counterSchema = new Schema<CounterRecord>(
  { _id: { type: String, required: true }, value: { type: Number, default: 0 } },
  { versionKey: false },
);

/**
 * One per reference handed out: `_id` = `WO-2611-0042`. Racing openers claim a number here
 * (a small unique insert) before writing the case, so a lost race costs little.
 */
interface ReferenceClaimRecord {
  _id: string;
  /** The opening message, so a retry after a crash reuses the number it claimed. */
  origin: string;
  at: Date;
}
const referenceClaimSchema = new Schema<ReferenceClaimRecord>(
  {
    _id: { type: String, required: true },
    origin: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);

/**
 * Where a person's cases are: `_id` = `identity:<identityKey>` or `owner:<ownerId>`, with
 * the id of every case opened for them (written before the case itself, so none is ever
 * missing). On the embedded engine a read by `_id` alone is answered by SQLite, while
 * finding cases by `identityKey` decodes every case: this is how `listOpen` stays cheap.
 */
export interface CaseIndexRecord {
  _id: string;
  caseIds: string[];
}
const caseIndexSchema = new Schema<CaseIndexRecord>(
  { _id: { type: String, required: true }, caseIds: { type: [String], default: [] } },
  { versionKey: false },
);

export function ticketModels(connection: Connection) {
  return {
    Tickets: modelOn<TicketRecord>(connection, 'Ticket', ticketSchema, 'tickets'),
    Events: modelOn<TicketEventRecord>(connection, 'TicketEvent', eventSchema, 'ticket_events'),
    Counters: modelOn<CounterRecord>(connection, 'TicketCounter', counterSchema, 'ticket_counters'),
    References: modelOn<ReferenceClaimRecord>(
      connection,
      'TicketReference',
      referenceClaimSchema,
      'ticket_references',
    ),
    CaseIndex: modelOn<CaseIndexRecord>(connection, 'TicketCaseIndex', caseIndexSchema, 'ticket_index'),
  };
}

/** "2026Q4" and "2026-11" in the given time zone offset-free way (UTC+8 for the trade's calendar). */
export function periodKeys(at: Date, timeZone = 'Asia/Shanghai'): { quarter: string; month: string } {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
  }).formatToParts(at);
  const year = parts.find((p) => p.type === 'year')?.value ?? String(at.getUTCFullYear());
  const month = parts.find((p) => p.type === 'month')?.value ?? '01';
  return { quarter: `${year}Q${Math.ceil(Number(month) / 3)}`, month: `${year}-${month}` };
}
