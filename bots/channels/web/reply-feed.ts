import type { Clock } from '../../../services/clock';
import type { Logger } from '../../../services/logging/logger';
import type { TranscriptStore } from './transcript-store';

/** Replies written by another instance reach this one's open streams within about this long. */
const POLL_MS = 1000;
/** Read a little before the last poll: another instance's clock, and its write, may lag. */
const OVERLAP_MS = 2000;

/**
 * Tells open event streams when their session has a new reply. A reply sent by this instance
 * wakes its streams at once; replies written by other instances are found by ONE poll loop per
 * instance (not one per stream), which runs only while streams are open and reads the recent
 * feed buckets, so its cost follows the reply rate, not the number of streams or the history.
 */
export function createReplyFeed(deps: { transcripts: TranscriptStore; clock: Clock; logger: Logger }) {
  const listeners = new Map<string, Set<() => void>>();
  let polling: Promise<void> | undefined;
  let stopped = false;

  const wake = (sessionId: string) => {
    for (const listener of listeners.get(sessionId) ?? []) listener();
  };

  async function pollWhileListened(): Promise<void> {
    let since = new Date(deps.clock.now().getTime() - OVERLAP_MS);
    while (!stopped && listeners.size > 0) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS).unref());
      const now = deps.clock.now();
      try {
        const sessions = await deps.transcripts.sessionsWithRepliesSince(since, now);
        for (const sessionId of sessions) wake(sessionId);
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
    subscribe(sessionId: string, listener: () => void): () => void {
      const set = listeners.get(sessionId) ?? new Set<() => void>();
      set.add(listener);
      listeners.set(sessionId, set);
      ensurePolling();
      return () => {
        set.delete(listener);
        if (set.size === 0) listeners.delete(sessionId);
      };
    },
    /** A reply this instance just wrote. */
    notify: wake,
    /** Wakes every stream (so it can end) and stops the loop. */
    stop() {
      stopped = true;
      for (const sessionId of listeners.keys()) wake(sessionId);
    },
  };
}

export type ReplyFeed = ReturnType<typeof createReplyFeed>;
