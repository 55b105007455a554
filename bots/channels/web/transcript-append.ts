import type { Model } from 'mongoose';
import { insertBatched } from '../../../services/database/insert-batches';
import type { LastNumbers } from './last-numbers';
import { feedBucketOf } from './transcript-feed';
import type { TranscriptRecord } from './transcript-model';

/** Tries at the session's next number before giving up: each loss means another reply just landed. */
const APPEND_ATTEMPTS = 5;

/**
 * Appends a reply with the session's next number and returns its id and the record written;
 * two replies racing for one number both land (the loser takes the next). The session's
 * last number is read only when `lastNumbers` does not know it or it proved out of date. A
 * resend of an outbox delivery (`deliveryKey` set) returns the id of its first copy instead
 * of adding another.
 */
export async function appendTranscript(
  Transcripts: Model<TranscriptRecord>,
  lastNumbers: LastNumbers,
  sessionId: string,
  message: { text: string; buttons?: Array<{ action: string; label: string }> },
  at: Date,
  deliveryKey: string,
  resend: boolean,
): Promise<{ id: string; written?: TranscriptRecord }> {
  if (deliveryKey && resend) {
    const sent = await Transcripts.findOne({ sessionId, deliveryKey }, { _id: 1 }).lean();
    if (sent) return { id: sent._id };
  }
  for (let attempt = 0; attempt < APPEND_ATTEMPTS; attempt++) {
    const seq = (lastNumbers.get(sessionId) ?? (await lastNumberOf(Transcripts, sessionId))) + 1;
    const id = `${sessionId}:${String(seq).padStart(8, '0')}`;
    const written: TranscriptRecord = {
      _id: id,
      sessionId,
      seq,
      text: message.text,
      buttons: (message.buttons ?? []).map(({ action, label }) => ({ action, label })),
      at,
      feedBucket: feedBucketOf(at),
      deliveryKey,
    };
    // Every field is set and typed here, so no casting; shares its round trip with the
    // other replies written at the same time.
    const [inserted] = await insertBatched(Transcripts, [{ ...written }]);
    if (inserted) {
      lastNumbers.learn(sessionId, seq);
      return { id, written };
    }
    lastNumbers.forget(sessionId);
  }
  throw new Error(`web chat: could not append to session ${sessionId}`);
}

async function lastNumberOf(Transcripts: Model<TranscriptRecord>, sessionId: string): Promise<number> {
  const last = await Transcripts.findOne({ sessionId }, { seq: 1 }).sort({ seq: -1 }).lean();
  return last?.seq ?? 0;
}
