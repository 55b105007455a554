import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from '../../../services/database/model';

/** One thing the bot said in a web chat session; `seq` orders a session's transcript. */
export interface TranscriptRecord {
  _id: string; // `<sessionId>/<deliveryKey>`, or `<sessionId>:<seq padded>` without one
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
// One reply per number in a session: two replies racing for a number cannot both have it.
transcriptSchema.index({ sessionId: 1, seq: -1 }, { unique: true });
transcriptSchema.index({ feedBucket: 1, at: 1 });

/** The index of the same fields before the numbers were unique; dropped where it is left. */
const FORMER_SESSION_INDEX = 'sessionId_1_seq_1';

/** The transcripts' model on `connection` (collection `web_transcripts`), indexed by session and by feed bucket. */
export function transcriptModel(connection: Connection): Model<TranscriptRecord> {
  return modelOn<TranscriptRecord>(connection, 'WebTranscript', transcriptSchema, 'web_transcripts');
}

/**
 * Resolves once the transcripts' indexes are in place: appends rely on the unique numbers,
 * which a fresh database is still building when the first owners write.
 */
export async function transcriptIndexesReady(Transcripts: Model<TranscriptRecord>): Promise<void> {
  await Transcripts.init();
  await Transcripts.collection.dropIndex(FORMER_SESSION_INDEX).catch((error: { codeName?: string }) => {
    if (error.codeName !== 'IndexNotFound') throw error;
  });
}
