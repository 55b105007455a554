import { Schema, type Connection } from 'mongoose';
import type { Clock } from '../clock';
import { trusted } from '../database/connect';
import { insertEach, modelOn } from '../database/model';

/** Outbox purposes that are outreach: the bot wrote first, so an owner may not be reachable. */
export const OUTREACH_PURPOSES = ['survey', 'return_visit', 'announcement'] as const;

/**
 * How one outreach message ended, `_id` its outbox key (`survey:2026Q4:<ownerId>`): reached
 * (and whether by a WeChat template) or not reached and why. Kept after the outbox purges its
 * entries, so `survey status` and the desk can still count a finished campaign.
 */
interface ReachRecord {
  _id: string;
  purpose: string;
  ownerId: string;
  channel: string;
  outcome: 'reached' | 'unreached';
  /** 'template' when a WeChat template message stood in for the message. */
  via: 'message' | 'template';
  /** Why not reached: the failure code (`wechat_template_required`, `wechat_unsubscribed`, ...). */
  code: string;
  reason: string;
  at: Date;
}

const schema = new Schema<ReachRecord>(
  {
    _id: { type: String, required: true },
    purpose: { type: String, required: true },
    ownerId: { type: String, default: '' },
    channel: { type: String, required: true },
    outcome: { type: String, required: true },
    via: { type: String, default: 'message' },
    code: { type: String, default: '' },
    reason: { type: String, default: '' },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);
schema.index({ outcome: 1, at: -1 });

/** Counts of one group of outreach messages. */
export interface ReachSummary {
  reached: number;
  /** Of those reached, how many by a WeChat template message. */
  byTemplate: number;
  unreached: number;
  /** Not reached, by failure code. */
  reasons: Record<string, number>;
}

interface SettledEntry {
  key: string;
  purpose: string;
  ownerId?: string;
  address: { channel: string };
}

/** The failure code at the head of a dead-letter reason (after "last:" for give-ups). */
export function reasonCode(reason: string): string {
  const last = /last: ([a-z][a-z0-9_]*)/.exec(reason);
  if (last) return last[1]!;
  if (reason.startsWith('lease expired')) return 'lease_expired';
  return /^([a-z][a-z0-9_]*)/.exec(reason)?.[1] ?? 'unknown';
}

const summarize = (records: Array<Pick<ReachRecord, 'outcome' | 'via' | 'code'>>): ReachSummary => {
  const summary: ReachSummary = { reached: 0, byTemplate: 0, unreached: 0, reasons: {} };
  for (const record of records) {
    if (record.outcome === 'reached') {
      summary.reached++;
      if (record.via === 'template') summary.byTemplate++;
    } else {
      summary.unreached++;
      summary.reasons[record.code] = (summary.reasons[record.code] ?? 0) + 1;
    }
  }
  return summary;
};

/**
 * Whether outreach reached each owner (collection `outreach_reach`), written from the outbox
 * dispatcher's sent and dead-letter hooks: one document per outbox key, the latest outcome
 * winning (a dead letter requeued and then delivered counts as reached).
 */
export function createOutreachReach(deps: { connection: Connection; clock: Clock }) {
  const Reach = modelOn<ReachRecord>(deps.connection, 'OutreachReach', schema, 'outreach_reach');
  const isOutreach = (purpose: string) => (OUTREACH_PURPOSES as readonly string[]).includes(purpose);

  /** Usually the first outcome of its key: one insert (cheap on every engine); a later one replaces it. */
  const write = async (
    entry: SettledEntry,
    fields: Pick<ReachRecord, 'outcome' | 'via' | 'code' | 'reason'>,
  ) => {
    if (!isOutreach(entry.purpose)) return;
    const record = {
      purpose: entry.purpose,
      ownerId: entry.ownerId ?? '',
      channel: entry.address.channel,
      ...fields,
      at: deps.clock.now(),
    };
    const [inserted] = await insertEach(Reach, [{ _id: entry.key, ...record }]);
    if (!inserted) await Reach.updateOne({ _id: entry.key }, { $set: record });
  };

  return {
    /** The outbox delivered it; a platform id `template:<msgid>` means a WeChat template stood in. */
    recordSent(entry: SettledEntry, platformMessageId?: string): Promise<void> {
      const via = platformMessageId?.startsWith('template:') ? 'template' : 'message';
      return write(entry, { outcome: 'reached', via, code: '', reason: '' });
    },

    /** The outbox gave it up (a dead letter): the owner was not reached, and why. */
    recordDead(entry: SettledEntry, reason: string): Promise<void> {
      return write(entry, {
        outcome: 'unreached',
        via: 'message',
        code: reasonCode(reason),
        reason: reason.slice(0, 300),
      });
    },

    /** Counts of the outreach whose keys start with `prefix` (e.g. `survey:2026Q4:`). */
    async summaryOf(prefix: string): Promise<ReachSummary> {
      const escaped = prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      const records = await Reach.find(
        { _id: trusted({ $regex: `^${escaped}` }) },
        { outcome: 1, via: 1, code: 1 },
      ).lean<ReachRecord[]>();
      return summarize(records);
    },

    /** Outreach not reached since `since`, per purpose (for the desk). */
    async unreachedSince(since: Date): Promise<Record<string, ReachSummary>> {
      const records = await Reach.find(
        { outcome: 'unreached', at: trusted({ $gte: since }) },
        { purpose: 1, outcome: 1, via: 1, code: 1 },
      ).lean<ReachRecord[]>();
      const byPurpose: Record<string, ReachSummary> = {};
      for (const purpose of new Set(records.map((record) => record.purpose)))
        byPurpose[purpose] = summarize(records.filter((record) => record.purpose === purpose));
      return byPurpose;
    },
  };
}

export type OutreachReach = ReturnType<typeof createOutreachReach>;
