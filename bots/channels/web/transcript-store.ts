import type { Connection } from 'mongoose';
import { trusted } from '../../../services/database/connect';
import { appendTranscript } from './transcript-append';
import { repliesSince } from './transcript-feed';
import { transcriptModel, type TranscriptRecord } from './transcript-model';

export { FEED_BUCKET_MS, feedBucketOf } from './transcript-feed';
export type { TranscriptRecord } from './transcript-model';

/** The web chat's transcripts: what the bot said, per session, in order. */
export function createTranscriptStore(connection: Connection) {
  const Transcripts = transcriptModel(connection);

  return {
    /**
     * Appends a reply with the session's next number; two replies racing for one number
     * both land (the loser takes the next). Returns the record's id and, when this call
     * wrote it, the record.
     */
    append: (
      sessionId: string,
      message: { text: string; buttons?: Array<{ action: string; label: string }> },
      at: Date,
      /** The outbox delivery (entry key and part): a send repeated after a crash finds its first copy. */
      deliveryKey = '',
      resend = false,
    ): Promise<{ id: string; written?: TranscriptRecord }> =>
      appendTranscript(Transcripts, sessionId, message, at, deliveryKey, resend),

    /** A session's replies after `seq`, oldest first (at most `limit`). */
    after(sessionId: string, seq: number, limit = 200): Promise<TranscriptRecord[]> {
      return Transcripts.find({ sessionId, seq: trusted({ $gt: seq }) })
        .sort({ seq: 1 })
        .limit(limit)
        .lean<TranscriptRecord[]>()
        .exec();
    },

    /** A session's newest `limit` replies, oldest first. */
    async latest(sessionId: string, limit: number): Promise<TranscriptRecord[]> {
      const rows = await Transcripts.find({ sessionId })
        .sort({ seq: -1 })
        .limit(limit)
        .lean<TranscriptRecord[]>();
      return rows.reverse();
    },

    /** Replies written after `since` (ids and sessions), from the feed buckets that can hold one. */
    repliesSince: (since: Date, now: Date): Promise<Array<{ id: string; sessionId: string }>> =>
      repliesSince(Transcripts, since, now),
  };
}

export type TranscriptStore = ReturnType<typeof createTranscriptStore>;
