import type { Model } from 'mongoose';
import type { TranscriptRecord } from './transcript-model';

/**
 * Replies are announced to event streams in buckets of this many milliseconds: a stream
 * feed reads the current and the previous bucket by equality, so its cost follows the replies
 * of the last seconds, never the size of the whole transcript history.
 */
export const FEED_BUCKET_MS = 2_000;

/** Buckets a feed reading from `since` does not need to go back past: a minute's worth. */
const MAX_BUCKETS_BEHIND = 30;

export const feedBucketOf = (at: Date): number => Math.floor(at.getTime() / FEED_BUCKET_MS);

/**
 * The feed buckets that can hold a reply after `since`, up to `now`, oldest first. A feed
 * that fell far behind reads the last minute only; a stream also replays on connect.
 */
export function feedBucketsToRead(since: Date, now: Date): number[] {
  const last = feedBucketOf(now);
  const first = Math.max(feedBucketOf(since), last - MAX_BUCKETS_BEHIND);
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}

/** Replies written after `since` (their ids and sessions), each bucket read by equality. */
export async function repliesSince(
  Transcripts: Model<TranscriptRecord>,
  since: Date,
  now: Date,
): Promise<Array<{ id: string; sessionId: string }>> {
  const rows = await Promise.all(
    feedBucketsToRead(since, now).map((feedBucket) =>
      Transcripts.find({ feedBucket }, { sessionId: 1, at: 1 }).lean<TranscriptRecord[]>().exec(),
    ),
  );
  return rows
    .flat()
    .filter((row) => row.at > since)
    .map((row) => ({ id: row._id, sessionId: row.sessionId }));
}
