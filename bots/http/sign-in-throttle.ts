import type { Clock } from '../../services/clock';

/** Failed sign-ins one address may make before it must wait (refilled over 15 minutes). */
const FAILED_SIGN_INS = { count: 10, periodMs: 15 * 60_000 };
/** Addresses remembered at most; past this the memory starts over rather than grow without bound. */
const MAX_ADDRESSES = 50_000;

/**
 * Failed sign-ins counted per client address in a token bucket: ten may fail at once, one
 * more each 90 s after that. An address whose bucket is full again is forgotten.
 */
export function createSignInThrottle(clock: Clock) {
  const failures = new Map<string, { tokens: number; at: number }>();
  return {
    /** Seconds the address must wait before another sign-in is checked; 0 = may try. */
    lockedFor(address: string): number {
      const now = clock.now().getTime();
      const bucket = failures.get(address);
      if (!bucket) return 0;
      bucket.tokens = Math.min(
        FAILED_SIGN_INS.count,
        bucket.tokens + ((now - bucket.at) * FAILED_SIGN_INS.count) / FAILED_SIGN_INS.periodMs,
      );
      bucket.at = now;
      if (bucket.tokens >= FAILED_SIGN_INS.count) failures.delete(address);
      return bucket.tokens >= 1
        ? 0
        : Math.ceil(((1 - bucket.tokens) * FAILED_SIGN_INS.periodMs) / FAILED_SIGN_INS.count / 1000);
    },
    /** Counts one failed sign-in from the address. */
    failed(address: string): void {
      const bucket = failures.get(address) ?? { tokens: FAILED_SIGN_INS.count, at: clock.now().getTime() };
      bucket.tokens -= 1;
      if (failures.size > MAX_ADDRESSES) failures.clear();
      failures.set(address, bucket);
    },
  };
}
