import { Schema, type Connection, type Model } from 'mongoose';
import { trusted } from '../../../services/database/connect';
import { modelOn } from '../../../services/database/model';
import { isDuplicateKey } from '../../../services/outbox/outbox';

/**
 * Replies are announced to event streams in buckets of this many milliseconds: a stream
 * feed reads the current and the previous bucket by equality, so its cost follows the replies
 * of the last seconds, never the size of the whole transcript history.
 */
export const FEED_BUCKET_MS = 2_000;

/** One thing the bot said in a web chat session; `seq` orders a session's transcript. */
export interface TranscriptRecord {
  _id: string; // `<sessionId>:<seq padded>`
  sessionId: string;
  seq: number;
  text: string;
  buttons: Array<{ action: string; label: string }>;
  at: Date;
  /** `at` in whole feed buckets since the epoch (see FEED_BUCKET_MS). */
  feedBucket: number;
  /** The outbox entry key and part it was sent for ('' when not sent through the outbox). */
  deliveryKey: string;
}

const transcriptSchema = new Schema<TranscriptRecord>(
  {
    _id: { type: String, required: true },
    sessionId: { type: String, required: true },
    seq: { type: Number, required: true },
    text: { type: String, required: true },
    buttons: { type: [{ action: String, label: String, _id: false }], default: [] },
    at: { type: Date, required: true },
    feedBucket: { type: Number, required: true },
    deliveryKey: { type: String, default: '' },
  },
  { versionKey: false },
);
transcriptSchema.index({ sessionId: 1, seq: 1 });
transcriptSchema.index({ feedBucket: 1, at: 1 });

export const feedBucketOf = (at: Date): number => Math.floor(at.getTime() / FEED_BUCKET_MS);

/** The web chat's transcripts: what the bot said, per session, in order. */
export function createTranscriptStore(connection: Connection) {
  const Transcripts: Model<TranscriptRecord> = modelOn<TranscriptRecord>(
    connection,
    'WebTranscript',
    transcriptSchema,
    'web_transcripts',
  );

  return {
    /**
     * Appends a reply with the session's next number; two replies racing for one number
     * both land (the loser takes the next). Returns the record's id.
     */
    async append(
      sessionId: string,
      message: { text: string; buttons?: Array<{ action: string; label: string }> },
      at: Date,
      /** The outbox delivery (entry key and part): a send repeated after a crash finds its first copy. */
      deliveryKey = '',
      resend = false,
    ): Promise<string> {
      if (deliveryKey && resend) {
        const sent = await Transcripts.findOne({ sessionId, deliveryKey }, { _id: 1 }).lean();
        if (sent) return sent._id;
      }
      for (let attempt = 0; attempt < 5; attempt++) {
        const last = await Transcripts.findOne({ sessionId }, { seq: 1 }).sort({ seq: -1 }).lean();
        const seq = (last?.seq ?? 0) + 1;
        const id = `${sessionId}:${String(seq).padStart(8, '0')}`;
        try {
          await Transcripts.create({
            _id: id,
            sessionId,
            seq,
            text: message.text,
            buttons: message.buttons ?? [],
            at,
            feedBucket: feedBucketOf(at),
            deliveryKey,
          });
          return id;
        } catch (error) {
          if (!isDuplicateKey(error)) throw error;
        }
      }
      throw new Error(`web chat: could not append to session ${sessionId}`);
    },

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

    /** Sessions that got a reply after `since`, from the feed buckets that can hold one. */
    async sessionsWithRepliesSince(since: Date, now: Date): Promise<Set<string>> {
      const last = feedBucketOf(now);
      // A feed that fell far behind reads the last minute; a stream also replays on connect.
      const first = Math.max(feedBucketOf(since), last - 30);
      const buckets = Array.from({ length: last - first + 1 }, (_, i) => first + i);
      const rows = await Promise.all(
        buckets.map((feedBucket) =>
          Transcripts.find({ feedBucket }, { sessionId: 1, at: 1 }).lean<TranscriptRecord[]>().exec(),
        ),
      );
      return new Set(
        rows
          .flat()
          .filter((row) => row.at > since)
          .map((row) => row.sessionId),
      );
    },
  };
}

export type TranscriptStore = ReturnType<typeof createTranscriptStore>;
