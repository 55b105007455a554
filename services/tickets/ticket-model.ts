import { modelOn } from '../database/model';
import { Schema, type Connection, type Types } from 'mongoose';
import { EMERGENCY_KINDS } from '../../nlp/emergency';
import { CATEGORIES, INTENTS } from '../../nlp/labels';
import type { SlaClass } from './sla';

export const TICKET_KINDS = ['work_order', 'complaint', 'consulting', 'suggestion', 'emergency'] as const;
export type TicketKind = (typeof TICKET_KINDS)[number];

/** The emergencies the understanding layer detects; a case that is none stores ''. */
export { EMERGENCY_KINDS };

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

/** Who wrote a message on a case: the owner, a staff member to the owner, a staff-only note, or the bot. */
export const MESSAGE_AUTHORS = ['owner', 'staff', 'note', 'bot'] as const;

export interface TicketMessage {
  at: Date;
  from: (typeof MESSAGE_AUTHORS)[number];
  text: string;
  /** `<channel>:<platform message id>` for owner messages, the desk's reply key for staff: one entry per key. */
  messageKey: string;
  attachments: Array<{ kind: string; reference: string }>;
  /** The staff member's id and name for replies and notes; '' for the owner and the bot. */
  by?: string;
  byName?: string;
}

/** One step of the method as the product shows it: who did what, when, from which status to which. */
export interface TicketHistoryEntry {
  /** The case's `version` once this step was applied; 0 for the opening. */
  seq: number;
  at: Date;
  actor: string;
  action: string;
  from: TicketStatus | '';
  to: TicketStatus | '';
  note: string;
  /** The one-time id of the staff action (a form, a Slack modal) that made this step; '' for others. */
  actionId?: string;
}

export interface TicketSummary {
  rootCause: string;
  correctiveAction: string;
  preventiveAction: string;
}

/**
 * A case. Optional values are stored as '' or null, never missing (the embedded engine
 * ignores `sparse`). Every write after the opening is one update conditional on `version`
 * that also increments it (see case-store.ts), so `version` counts the changes applied.
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
  /** Changes applied since the opening; a change is written only over the version it was decided on. */
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
          by: { type: String, default: '' },
          byName: { type: String, default: '' },
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
ticketSchema.index({ status: 1, createdAt: 1 });
ticketSchema.index({ quarter: 1, kind: 1 });
// Slack thread replies find their case by the escalation message's ts.
ticketSchema.index({ 'staffThread.threadId': 1 });

/** Monthly reference counters, `_id` = `WO-2611`: `$inc` hands out each number once. */
export interface CounterRecord {
  _id: string;
  value: number;
}
const counterSchema = new Schema<CounterRecord>(
  { _id: { type: String, required: true }, value: { type: Number, default: 0 } },
  { versionKey: false },
);

export function ticketModels(connection: Connection) {
  return {
    Tickets: modelOn<TicketRecord>(connection, 'Ticket', ticketSchema, 'tickets'),
    Counters: modelOn<CounterRecord>(connection, 'TicketCounter', counterSchema, 'ticket_counters'),
  };
}

/** "2026Q4" and "2026-11" in the given time zone offset-free way (UTC+8 for the trade's calendar). */
/** One formatter per time zone: building one costs far more than using it. */
const monthFormatters = new Map<string, Intl.DateTimeFormat>();

export function periodKeys(at: Date, timeZone = 'Asia/Shanghai'): { quarter: string; month: string } {
  let formatter = monthFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit' });
    monthFormatters.set(timeZone, formatter);
  }
  const parts = formatter.formatToParts(at);
  const year = parts.find((p) => p.type === 'year')?.value ?? String(at.getUTCFullYear());
  const month = parts.find((p) => p.type === 'month')?.value ?? '01';
  return { quarter: `${year}Q${Math.ceil(Number(month) / 3)}`, month: `${year}-${month}` };
}
