import type { Connection } from 'mongoose';
import type { Clock } from '../clock';
import type { AuditLog } from './audit-log';
import { eraseTicketTexts } from './erase';
import { purgePhotosBefore } from '../attachments/attachment-purge';
import { TICKET_STATUSES } from '../tickets/ticket-model';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Cases still being worked keep their words whatever their age: staff need them. */
const SETTLED = ['resolved', 'return_visit', 'closed'];
const OPEN = TICKET_STATUSES.filter((status) => !SETTLED.includes(status));

export interface RetentionReport {
  before: Date;
  messagesErased: number;
  casesErased: number;
  caseMessagesErased: number;
  webTranscriptsDeleted: number;
  webPhotosDeleted: number;
  /** True when a batch limit was hit: the next run continues. */
  more: boolean;
}

/**
 * The retention setting (MESSAGE_RETENTION_DAYS): erases the text of messages older than N
 * days (inbound messages already handled, case messages of settled cases with the titles,
 * web chat transcripts), keeping the records and their labels so counts and reports stay.
 * The embedded engine has no TTL indexes, so this runs on a schedule; each run is
 * bounded (`batch`) and safe on several instances at once (erasing twice changes nothing).
 */
export function createRetentionPurge(deps: {
  connection: Connection;
  clock: Clock;
  retentionDays: number;
  audit?: AuditLog;
  batch?: number;
}) {
  const batch = deps.batch ?? 2000;
  const c = (name: string) => deps.connection.collection(name);

  return {
    retentionDays: deps.retentionDays,
    async purge(): Promise<RetentionReport> {
      const before = new Date(deps.clock.now().getTime() - deps.retentionDays * DAY_MS);
      const old = await c('messages')
        .find(
          {
            receivedAt: { $lt: before },
            status: { $in: ['processed', 'failed'] },
            $or: [{ text: { $ne: '' } }, { senderName: { $ne: '' } }, { clientAddress: { $gt: '' } }],
          },
          { projection: { _id: 1 } },
        )
        .limit(batch)
        .toArray();
      let messagesErased = 0;
      if (old.length > 0) {
        const result = await c('messages').updateMany(
          { _id: { $in: old.map((m) => m._id) } },
          { $set: { text: '', senderName: '', attachments: [], clientAddress: '' } },
        );
        messagesErased = result.modifiedCount;
      }
      // Filtered here, not in the query: the embedded engine has no operators inside $elemMatch.
      const candidates = await c('tickets')
        .find({ status: { $in: SETTLED }, createdAt: { $lt: before } }, { projection: { messages: 1 } })
        .toArray();
      const cases = candidates
        .filter((ticket) =>
          ((ticket.messages ?? []) as Array<{ at: Date; text: string }>).some(
            (m) => m.text !== '' && m.at < before,
          ),
        )
        .slice(0, Math.ceil(batch / 10));
      const erased = await eraseTicketTexts(
        deps.connection,
        cases.map((ticket) => ticket._id),
        { before },
      );
      const transcripts = await c('web_transcripts').deleteMany({ at: { $lt: before } });
      const photos = await purgePhotosBefore(deps.connection, before, { openCaseStatuses: OPEN, batch });
      const report: RetentionReport = {
        before,
        messagesErased,
        casesErased: erased.tickets,
        caseMessagesErased: erased.messages,
        webTranscriptsDeleted: transcripts.deletedCount,
        webPhotosDeleted: photos.deleted,
        more: old.length === batch || cases.length === Math.ceil(batch / 10) || photos.more,
      };
      if (messagesErased + erased.messages + transcripts.deletedCount + photos.deleted > 0) {
        await deps.audit?.record({
          actor: 'schedule:retention',
          action: 'retention.purge',
          target: '',
          outcome: 'ok',
          details: { ...report, before: before.toISOString() },
        });
      }
      return report;
    },
  };
}

export type RetentionPurge = ReturnType<typeof createRetentionPurge>;
