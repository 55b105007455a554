/**
 * One bucket's schedule: evenly spaced slots plus a hard ceiling of `windowCount` sends in
 * any `windowMs`. Pure: every function takes the time it works at.
 */

/**
 * How far behind its schedule a bucket may be and still catch up. Timers fire late (Node
 * rounds up, and a busy event loop adds more), and spacing each send from the previous one
 * never gives that time back: 2 ms late per send at 50/s is 10% of the rate gone. On the
 * loaded 2-core dev machine stalls of 100-190 ms were common, hence a quarter second. The
 * window ceiling keeps the catching up from ever exceeding the limit; the price is that
 * after a stall a few sends to different conversations may go back to back.
 */
export const CATCH_UP_MS = 250;
/**
 * Added to each second of the schedule, for requests that reach the platform a little later
 * or sooner than granted (a busy event loop, on either side). With 20 ms the campaign bench
 * still saw one 429 in 2,000 sends; 40 ms costs 4% of the rate and absorbed it.
 */
export const PLATFORM_MARGIN_MS = 40;

/** The schedule of one channel or one conversation. */
export interface Bucket {
  /** The next send's slot on the bucket's schedule, in clock milliseconds. */
  next: number;
  intervalMs: number;
  /** How late a send may be and still keep the schedule (so the next ones catch up). */
  toleranceMs: number;
  /** Restarting after a pause in traffic, this many sends may go back to back (`burst`). */
  burst: number;
  /** At most `windowCount` sends in any `windowMs` (the hard ceiling); 0 = no ceiling. */
  windowCount: number;
  windowMs: number;
  /** The last `windowCount` sends: grant times, moved to start times when they start. */
  recent: number[];
}

/** A fresh bucket for `perSecond` sends a second; `Infinity` (or 0) gives one that never waits. */
export function createBucket(perSecond: number, burst: number): Bucket {
  const none = { next: 0, intervalMs: 0, toleranceMs: 0, burst: 1, windowCount: 0, windowMs: 0 };
  if (!(Number.isFinite(perSecond) && perSecond > 0)) return { ...none, recent: [] };
  const intervalMs = 1000 / perSecond;
  const sends = Math.max(1, Math.floor(burst));
  // A whole number of sends per window: 50/s is 50 a second, 20/min is 1 every 3 s.
  const windowCount = Math.max(1, Math.floor(perSecond), sends);
  return {
    next: -Infinity,
    intervalMs,
    toleranceMs: CATCH_UP_MS + (sends - 1) * intervalMs,
    burst: sends,
    windowCount,
    windowMs: (windowCount * 1000) / perSecond + PLATFORM_MARGIN_MS,
    recent: [],
  };
}

/** When the window ceiling alone lets the next send go. */
export function ceilingAt(b: Bucket): number {
  if (b.windowCount === 0 || b.recent.length < b.windowCount) return -Infinity;
  // The oldest of the last `windowCount` sends (restamped ones may be out of order).
  return Math.min(...b.recent) + b.windowMs;
}

/** When the next send may go: its slot, within the window ceiling. */
export function readyAt(b: Bucket): number {
  return Math.max(b.next, ceilingAt(b));
}

/** Takes the bucket's next slot at `at`; returns where the grant is remembered (-1: nowhere). */
export function take(b: Bucket, at: number): number {
  if (b.windowCount === 0) return -1;
  // Late by less than the tolerance: keep the schedule, so the next sends make up for it.
  // Later than that, traffic had stopped: start a new schedule now.
  b.next = at - b.next <= b.toleranceMs ? b.next + b.intervalMs : at - (b.burst - 2) * b.intervalMs;
  if (b.recent.length < b.windowCount) return b.recent.push(at) - 1;
  // Replace the oldest stamp, not the oldest grant: a send restamped when it started late
  // is newer than grants after it, and dropping it first would let a window overfill.
  // (A grant not started yet has the oldest stamp only if it is a window late.)
  const index = b.recent.indexOf(Math.min(...b.recent));
  b.recent[index] = at;
  return index;
}

/** Moves a grant's stamp to when its request started, unless a later grant replaced it. */
export function restamp(b: Bucket, index: number, grantedAt: number, startedAt: number): void {
  if (index >= 0 && b.recent[index] === grantedAt) b.recent[index] = Math.max(grantedAt, startedAt);
}

/** Undoes `take` for a slot that was not used, unless later grants moved on since. */
export function untake(
  b: Bucket,
  index: number,
  grantedAt: number,
  taken: { before: number; after: number },
): void {
  if (b.next === taken.after) b.next = taken.before;
  if (index >= 0 && b.recent[index] === grantedAt) b.recent[index] = -Infinity;
}

/** Nothing left to remember: a new bucket would behave the same. */
export function cooledDown(b: Bucket, at: number): boolean {
  return at - b.next > b.toleranceMs && (b.recent.length === 0 || Math.max(...b.recent) + b.windowMs <= at);
}
