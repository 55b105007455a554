/** Sessions whose last number one instance remembers; the least recently used is forgotten first. */
const REMEMBERED_SESSIONS = 20_000;
/** A number not used for this long is read again: the transcript may have been erased meanwhile. */
const REMEMBERED_MS = 10 * 60_000;

/**
 * The last reply number of recently active sessions, as this instance last wrote or read
 * it, so that appending a reply needs no read first. It may be behind (another instance
 * appended since): the append then finds its number taken, reads, and takes the next. It
 * only learns numbers that were in the transcript, and forgets them after a quiet spell,
 * so a transcript erased since (retention, an owner forgotten) is read afresh.
 */
export function createLastNumbers(options: { capacity?: number; now?: () => number } = {}) {
  const capacity = options.capacity ?? REMEMBERED_SESSIONS;
  const now = options.now ?? Date.now;
  const last = new Map<string, { seq: number; at: number }>();
  const get = (sessionId: string): number | undefined => {
    const known = last.get(sessionId);
    return known && now() - known.at < REMEMBERED_MS ? known.seq : undefined;
  };
  return {
    get,
    /** The number when it was learned (written, read or begun here) less than `withinMs` ago. */
    recent(sessionId: string, withinMs: number): number | undefined {
      const known = last.get(sessionId);
      return known && now() - known.at < withinMs ? known.seq : undefined;
    },
    /** Remembers `seq` unless a later number is known already. */
    learn(sessionId: string, seq: number): void {
      const known = get(sessionId);
      last.delete(sessionId); // re-inserted at the end: the map stays in order of use
      last.set(sessionId, { seq: Math.max(seq, known ?? 0), at: now() });
      if (last.size > capacity) last.delete(last.keys().next().value!);
    },
    forget: (sessionId: string): void => void last.delete(sessionId),
  };
}

export type LastNumbers = ReturnType<typeof createLastNumbers>;
