import type { Clock } from '../../../services/clock';
import type { Logger } from '../../../services/logging/logger';
import type { TranscriptRecord, TranscriptStore } from './transcript-store';

/**
 * Told that a session may have a new reply: with the record when this instance just wrote
 * it (the stream can send it without reading it back), else without (the stream reads).
 */
export type ReplyListener = (written?: TranscriptRecord) => void;

/** Replies written by another instance reach this one's open streams within about this long. */
const POLL_MS = 1000;
/** Read a little before the last poll: another instance's clock, and its write, may lag. */
const OVERLAP_MS = 3000;
/**
 * A stream that subscribes knowing its session's replies as of less than this long ago needs
 * no read to start: the next poll covers everything written since (with a second to spare).
 */
export const COVERED_BY_POLL_MS = OVERLAP_MS - POLL_MS;

/**
 * Tells open event streams when their session has a new reply. A reply sent by this instance
 * wakes its streams at once; replies written by other instances are found by ONE poll loop per
 * instance (not one per stream), which runs only while streams are open and reads the recent
 * feed buckets, so its cost follows the reply rate, not the number of streams or the history.
 */
export function createReplyFeed(deps: { transcripts: TranscriptStore; clock: Clock; logger: Logger }) {
  const listeners = new Map<string, Set<ReplyListener>>();
  let polling: Promise<void> | undefined;
  let stopped = false;

  // Replies whose streams were woken already (id -> when), for as long as a poll can find
  // them again; a poll wakes streams only for the others.
  const announced = new Map<string, number>();
  const announce = (id: string) => announced.set(id, deps.clock.now().getTime());
  const forgetAnnouncedBefore = (ms: number) => {
    for (const [id, at] of announced) {
      if (at >= ms) break; // kept in the order announced
      announced.delete(id);
    }
  };

  const wake = (sessionId: string, written?: TranscriptRecord) => {
    for (const listener of listeners.get(sessionId) ?? []) listener(written);
  };

  async function pollWhileListened(): Promise<void> {
    let since = new Date(deps.clock.now().getTime() - OVERLAP_MS);
    while (!stopped && listeners.size > 0) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS).unref());
      const now = deps.clock.now();
      try {
        const replies = await deps.transcripts.repliesSince(since, now);
        const fresh = replies.filter(({ id }) => !announced.has(id));
        for (const { id } of fresh) announce(id);
        for (const sessionId of new Set(fresh.map((reply) => reply.sessionId))) wake(sessionId);
        forgetAnnouncedBefore(since.getTime() - POLL_MS);
        since = new Date(now.getTime() - OVERLAP_MS);
      } catch (error) {
        deps.logger.warn({ err: error }, 'Web chat reply feed could not be read; trying again');
      }
    }
  }

  const ensurePolling = () => {
    if (polling || stopped) return;
    polling = pollWhileListened().finally(() => {
      polling = undefined;
      if (listeners.size > 0) ensurePolling(); // subscribed while the loop was ending
    });
  };

  return {
    /** Calls `listener` whenever `sessionId` may have a new reply; returns the unsubscribe. */
    subscribe(sessionId: string, listener: ReplyListener): () => void {
      const set = listeners.get(sessionId) ?? new Set<ReplyListener>();
      set.add(listener);
      listeners.set(sessionId, set);
      ensurePolling();
      return () => {
        set.delete(listener);
        if (set.size === 0) listeners.delete(sessionId);
      };
    },
    /** A reply this instance just wrote (the record, when this instance wrote a new one). */
    notify(sessionId: string, written?: TranscriptRecord) {
      // Only streams open now can be woken twice; without them nothing needs remembering.
      if (written && listeners.has(sessionId)) announce(written._id);
      wake(sessionId, written);
    },
    /** Wakes every stream (so it can end) and stops the loop. */
    stop() {
      stopped = true;
      for (const sessionId of listeners.keys()) wake(sessionId);
    },
  };
}

export type ReplyFeed = ReturnType<typeof createReplyFeed>;
