import { FEED_BUCKET_MS, feedBucketOf, feedBucketsToRead } from '../../../bots/channels/web/transcript-feed';

const at = (ms: number) => new Date(Date.UTC(2026, 10, 22, 2, 0) + ms);

describe('the feed buckets a reply feed reads', () => {
  it('when the feed read a moment ago, then it reads the bucket of `since` up to the current one', () => {
    const since = at(1_000);
    const now = at(1_000 + 2 * FEED_BUCKET_MS);
    const first = feedBucketOf(since);
    expect(feedBucketsToRead(since, now)).toEqual([first, first + 1, first + 2]);
  });

  it('when `since` and now fall in one bucket, then that bucket alone is read', () => {
    expect(feedBucketsToRead(at(0), at(1))).toEqual([feedBucketOf(at(0))]);
  });

  it('when the feed fell far behind, then it reads the last minute only', () => {
    const now = at(60 * 60_000);
    const buckets = feedBucketsToRead(at(0), now);
    expect(buckets).toHaveLength(31);
    expect(buckets.at(-1)).toBe(feedBucketOf(now));
    expect(buckets[0]).toBe(feedBucketOf(now) - 30);
  });
});
