import { Schema, type Connection, type Model } from 'mongoose';
import type { Clock } from '../clock';
import { modelOn } from '../database/model';

/** One staff or operator action, kept for accountability (who did what to which record, and how it ended). */
export interface AuditRecord {
  at: Date;
  /** `desk:<name>`, `slack:<user id>`, `cli`, `schedule:<job>`. */
  actor: string;
  /** e.g. `desk.claim`, `desk.refused`, `owners.forget`, `retention.purge`. */
  action: string;
  /** The record acted on (case id, owner id), '' for none. */
  target: string;
  /** `ok`, `refused:<why>`, `failed:<code>`. */
  outcome: string;
  /** Counts and small facts, never message text or phone numbers. */
  details: Record<string, unknown>;
}

const auditSchema = new Schema<AuditRecord>(
  {
    at: { type: Date, required: true },
    actor: { type: String, required: true },
    action: { type: String, required: true },
    target: { type: String, default: '' },
    outcome: { type: String, required: true },
    details: { type: Schema.Types.Mixed, default: {} },
  },
  { versionKey: false, minimize: false },
);
auditSchema.index({ at: -1 });
auditSchema.index({ target: 1, at: -1 });

export function auditModel(connection: Connection): Model<AuditRecord> {
  return modelOn<AuditRecord>(connection, 'AuditEntry', auditSchema, 'audit_log');
}

/**
 * The audit trail (`audit_log`): desk actions (refusals included) and privacy operations.
 * Case changes are also in each case's own history with their actor; this log adds what
 * never reaches a case (refused attempts, erasures, purges). Writing it never fails the action.
 */
export function createAuditLog(deps: { connection: Connection; clock: Clock }) {
  const Audit = auditModel(deps.connection);
  return {
    async record(entry: Omit<AuditRecord, 'at' | 'details'> & { details?: Record<string, unknown> }) {
      await Audit.create({ ...entry, details: entry.details ?? {}, at: deps.clock.now() }).catch(
        () => undefined,
      );
    },
    /** Newest first. */
    async recent(filter: { target?: string; action?: string } = {}, limit = 100): Promise<AuditRecord[]> {
      return Audit.find(filter).sort({ at: -1 }).limit(limit).lean<AuditRecord[]>();
    },
  };
}

export type AuditLog = ReturnType<typeof createAuditLog>;
