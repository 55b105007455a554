/** Tasks in flight on the priority lane before more of them wait (a burst of emergencies). */
const URGENT_CONCURRENCY = 16;

/**
 * Runs tasks one at a time per key (so one owner's messages are handled in order) and at most
 * `concurrency` keys at once (so a burst cannot start unbounded work). Fair: keys take turns
 * within their lane (a channel), and lanes take turns, so neither a noisy sender nor a flooded
 * channel starves the others. Urgent tasks (emergencies) skip every queue: they start at once,
 * outside the ordinary concurrency, ahead of the sender's own earlier messages.
 */
export function createKeyedQueue(options: {
  concurrency: number;
  onError: (error: unknown, key: string) => void;
}) {
  const queues = new Map<string, Array<() => Promise<void>>>();
  /** Keys waiting for a turn, per lane; lanes in the order they take turns. */
  const lanes = new Map<string, string[]>();
  const laneOf = new Map<string, string>();
  const urgentWaiting: Array<{ key: string; task: () => Promise<void> }> = [];
  let running = 0;
  let urgentRunning = 0;
  let idleWaiters: Array<() => void> = [];

  const waitingCount = () => {
    let count = urgentWaiting.length;
    for (const keys of lanes.values()) count += keys.length;
    return count;
  };
  const wakeIdle = () => {
    if (running + urgentRunning > 0 || waitingCount() > 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const wake of waiters) wake();
  };

  /** The next key to run: the first key of the first lane, which then goes to the back. */
  const nextKey = (): string | undefined => {
    for (const [lane, keys] of lanes) {
      lanes.delete(lane);
      const key = keys.shift();
      if (keys.length > 0) lanes.set(lane, keys);
      if (key !== undefined) return key;
    }
    return undefined;
  };

  const runUrgent = () => {
    while (urgentRunning < URGENT_CONCURRENCY && urgentWaiting.length > 0) {
      const { key, task } = urgentWaiting.shift() as { key: string; task: () => Promise<void> };
      urgentRunning += 1;
      void task()
        .catch((error: unknown) => options.onError(error, key))
        .finally(() => {
          urgentRunning -= 1;
          runUrgent();
          wakeIdle();
        });
    }
  };

  const runNext = () => {
    while (running < options.concurrency) {
      const key = nextKey();
      if (key === undefined) return;
      const tasks = queues.get(key);
      const task = tasks?.shift();
      if (!task) continue;
      running += 1;
      void task()
        .catch((error: unknown) => options.onError(error, key))
        .finally(() => {
          running -= 1;
          if (tasks && tasks.length > 0) enqueueKey(key);
          else {
            queues.delete(key);
            laneOf.delete(key);
          }
          runNext();
          wakeIdle();
        });
    }
  };

  const enqueueKey = (key: string) => {
    const lane = laneOf.get(key) ?? '';
    const keys = lanes.get(lane) ?? [];
    keys.push(key);
    lanes.set(lane, keys);
  };

  return {
    /** Queues a task for `key` (in `lane`, e.g. its channel); `urgent` starts it at once. */
    push(key: string, task: () => Promise<void>, placement: { lane?: string; urgent?: boolean } = {}): void {
      if (placement.urgent) {
        urgentWaiting.push({ key, task });
        runUrgent();
        return;
      }
      const tasks = queues.get(key);
      if (tasks) {
        tasks.push(task);
        return; // the key is already scheduled or running; its tasks run in order
      }
      queues.set(key, [task]);
      laneOf.set(key, placement.lane ?? '');
      enqueueKey(key);
      runNext();
    },
    /**
     * Drops every task not started yet and returns how many; running ones finish. A caller
     * that gives up on a backlog uses it: the work must be recoverable elsewhere.
     */
    clear(): number {
      let dropped = urgentWaiting.length;
      urgentWaiting.length = 0;
      for (const tasks of queues.values()) {
        dropped += tasks.length;
        tasks.length = 0;
      }
      // A running key keeps its (now empty) entry, so a push meanwhile still waits its turn.
      for (const keys of lanes.values())
        for (const key of keys) {
          queues.delete(key);
          laneOf.delete(key);
        }
      lanes.clear();
      wakeIdle();
      return dropped;
    },
    /** Resolves when nothing is queued or running. */
    idle(): Promise<void> {
      if (running + urgentRunning === 0 && waitingCount() === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
    get size(): number {
      let total = running + urgentRunning + urgentWaiting.length;
      for (const tasks of queues.values()) total += tasks.length;
      return total;
    },
  };
}
