import { Schema, type Connection } from 'mongoose';
import { modelOn } from '../database/model';

export const RETURN_VISIT_STATUSES = ['asked', 'answered', 'reopened', 'phone'] as const;
export type ReturnVisitStatus = (typeof RETURN_VISIT_STATUSES)[number];

/** Which question the owner is on: was it solved, the rating, anything to add, what is still wrong. */
export const RETURN_VISIT_STEPS = ['solved', 'rating', 'comment', 'detail', 'done'] as const;
export type ReturnVisitStep = (typeof RETURN_VISIT_STEPS)[number];

/**
 * One return visit per case per resolution: `_id` = `<ticketId>:<slaRound>` (a case reopened
 * and resolved again gets a new one). Inserted before the prompt is queued, so each
 * resolution is visited once whichever instance runs the job. The case's own
 * `returnVisit` (rating, comment) is written through the ticket service's verbs.
 */
export interface ReturnVisitRecord {
  _id: string;
  ticketId: string;
  reference: string;
  round: number;
  ownerId: string;
  identityKey: string;
  address: { channel: string; conversationId: string; threadId: string };
  language: 'zh' | 'en';
  building: string;
  kind: string;
  /** The staff member who owned the case when it was resolved (a reopened case goes back to them). */
  assignee: string;
  assigneeName: string;
  status: ReturnVisitStatus;
  step: ReturnVisitStep;
  resolvedAt: Date;
  askedAt: Date;
  /** When the current step's question was asked (the newest pending question wins a reply). */
  stepAskedAt: Date;
  solved: boolean | null;
  rating: number | null;
  comment: string;
  answeredAt: Date | null;
  /** No answer in time: staff should call the owner. */
  phoneFlaggedAt: Date | null;
  /** What the visit's buttons carry instead of the case id: random, so nobody can guess another owner's. */
  buttonToken: string;
  /** Derived keys for reports, in BOT_TIMEZONE. */
  quarter: string;
}

const schema = new Schema<ReturnVisitRecord>(
  {
    _id: { type: String, required: true },
    ticketId: { type: String, required: true, index: true },
    reference: { type: String, required: true },
    round: { type: Number, required: true },
    ownerId: { type: String, default: '' },
    identityKey: { type: String, required: true },
    address: {
      channel: { type: String, required: true },
      conversationId: { type: String, required: true },
      threadId: { type: String, default: '' },
    },
    language: { type: String, required: true, enum: ['zh', 'en'] },
    building: { type: String, default: '' },
    kind: { type: String, required: true },
    assignee: { type: String, default: '' },
    assigneeName: { type: String, default: '' },
    status: { type: String, required: true, enum: RETURN_VISIT_STATUSES },
    step: { type: String, required: true, enum: RETURN_VISIT_STEPS },
    resolvedAt: { type: Date, required: true },
    askedAt: { type: Date, required: true },
    stepAskedAt: { type: Date, required: true },
    solved: { type: Boolean, default: null },
    rating: { type: Number, default: null },
    comment: { type: String, default: '' },
    answeredAt: { type: Date, default: null },
    phoneFlaggedAt: { type: Date, default: null },
    buttonToken: { type: String, default: '' },
    quarter: { type: String, required: true },
  },
  { versionKey: false },
);
schema.index({ identityKey: 1, step: 1 });
schema.index({ buttonToken: 1 });
schema.index({ status: 1, askedAt: 1 });

export function returnVisitModel(connection: Connection) {
  return modelOn<ReturnVisitRecord>(connection, 'ReturnVisit', schema, 'return_visits');
}
