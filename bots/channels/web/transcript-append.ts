import type { Model } from 'mongoose';
import { insertBatched } from '../../../services/database/insert-batches';
import type { LastNumbers } from './last-numbers';
import { feedBucketOf } from './transcript-feed';
import type { TranscriptRecord } from './transcript-model';

/** Tries at the session's next number before giving up: each loss means another reply just landed. */
const APPEND_ATTEMPTS = 5;

/**
 * A record's id: the outbox delivery it was written for (so the same delivery can be
 * written only once), else its number.
 */
const transcriptIdOf = (sessionId: string, deliveryKey: string, seq: number): string =>
  deliveryKey ? `${sessionId}/${deliveryKey}` : `${sessionId}:${String(seq).padStart(8, '0')}`;

/**
 * Appends a reply with the session's next number and returns its id and the record written.
 * Each outbox delivery (`deliveryKey`) is written once: a repeat returns the first copy's
 * id. Two replies racing for one number both land (the loser takes the next). The
 * session's last number is read only when `lastNumbers` does not know it or it proved out
 * of date.
 */
export async function appendTranscript(
  Transcripts: Model<TranscriptRecord>,
  lastNumbers: LastNumbers,
  sessionId: string,
  message: { text: string; buttons?: Array<{ action: string; label: string }> },
  at: Date,
  deliveryKey: string,
): Promise<{ id: string; written?: TranscriptRecord }> {
  for (let attempt = 0; attempt < APPEND_ATTEMPTS; attempt++) {
    const seq = (lastNumbers.get(sessionId) ?? (await lastNumberOf(Transcripts, sessionId))) + 1;
    const written: TranscriptRecord = {
      _id: transcriptIdOf(sessionId, deliveryKey, seq),
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
      return { id: written._id, written };
    }
    // Taken: this delivery is written already, or another reply has the number.
    if (deliveryKey) {
      const first = await Transcripts.findOne({ sessionId, deliveryKey }, { _id: 1 }).lean();
      if (first) return { id: first._id };
    }
    lastNumbers.forget(sessionId);
  }
  throw new Error(`web chat: could not append to session ${sessionId}`);
}

async function lastNumberOf(Transcripts: Model<TranscriptRecord>, sessionId: string): Promise<number> {
  const last = await Transcripts.findOne({ sessionId }, { seq: 1 }).sort({ seq: -1 }).lean();
  return last?.seq ?? 0;
}
