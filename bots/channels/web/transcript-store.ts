import type { Connection } from 'mongoose';
import { trusted } from '../../../services/database/connect';
import { createLastNumbers } from './last-numbers';
import { appendTranscript } from './transcript-append';
import { repliesSince } from './transcript-feed';
import { transcriptIndexesReady, transcriptModel, type TranscriptRecord } from './transcript-model';

export { FEED_BUCKET_MS, feedBucketOf } from './transcript-feed';
export type { TranscriptRecord } from './transcript-model';

/** The web chat's transcripts: what the bot said, per session, in order. */
export function createTranscriptStore(connection: Connection) {
  const Transcripts = transcriptModel(connection);
  const lastNumbers = createLastNumbers();
  let indexes: Promise<void> | undefined;
  const indexesReady = () =>
    (indexes ??= transcriptIndexesReady(Transcripts).catch((error: unknown) => {
      indexes = undefined;
      throw error;
    }));

  return {
    /**
     * Appends a reply with the session's next number; two replies racing for one number
     * both land (the loser takes the next). Returns the record's id and, when this call
     * wrote it, the record.
     */
    async append(
      sessionId: string,
      message: { text: string; buttons?: Array<{ action: string; label: string }> },
      at: Date,
      /** The outbox delivery (entry key and part): written once, however often it is sent. */
      deliveryKey = '',
    ): Promise<{ id: string; written?: TranscriptRecord }> {
      await indexesReady();
      return appendTranscript(Transcripts, lastNumbers, sessionId, message, at, deliveryKey);
    },

    /** A session just issued here: its transcript is empty (its reference is new and random). */
    begin(sessionId: string): void {
      lastNumbers.learn(sessionId, 0);
    },

    /**
     * True when this instance knows, from less than `withinMs` ago, that the session has no
     * reply after `seq`: it issued the session, or wrote or read its last reply, a moment ago.
     */
    caughtUp(sessionId: string, seq: number, withinMs: number): boolean {
      const last = lastNumbers.recent(sessionId, withinMs);
      return last !== undefined && last <= seq;
    },

    /** A session's replies after `seq`, oldest first (at most `limit`). */
    async after(sessionId: string, seq: number, limit = 200): Promise<TranscriptRecord[]> {
      const records = await Transcripts.find({ sessionId, seq: trusted({ $gt: seq }) })
        .sort({ seq: 1 })
        .limit(limit)
        .lean<TranscriptRecord[]>();
      // A read to the transcript's end (a new page's event stream) tells its last number.
      if (records.length < limit && (seq === 0 || records.length > 0))
        lastNumbers.learn(sessionId, records.at(-1)?.seq ?? 0);
      return records;
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
