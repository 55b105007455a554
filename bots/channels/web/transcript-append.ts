import type { Model } from 'mongoose';
import { isDuplicateKey } from '../../../services/outbox/outbox';
import { feedBucketOf } from './transcript-feed';
import type { TranscriptRecord } from './transcript-model';

/** Tries at the session's next number before giving up: each loss means another reply just landed. */
const APPEND_ATTEMPTS = 5;

/**
 * Appends a reply with the session's next number and returns the record's id; two replies
 * racing for one number both land (the loser takes the next). A resend of an outbox delivery
 * (`deliveryKey` set) returns the id of its first copy instead of adding another.
 */
export async function appendTranscript(
  Transcripts: Model<TranscriptRecord>,
  sessionId: string,
  message: { text: string; buttons?: Array<{ action: string; label: string }> },
  at: Date,
  deliveryKey: string,
  resend: boolean,
): Promise<string> {
  if (deliveryKey && resend) {
    const sent = await Transcripts.findOne({ sessionId, deliveryKey }, { _id: 1 }).lean();
    if (sent) return sent._id;
  }
  for (let attempt = 0; attempt < APPEND_ATTEMPTS; attempt++) {
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
}
