/**
 * Runs tasks one at a time per key (so one owner's messages are handled in order) and at
 * most `concurrency` keys at once (so a burst cannot start unbounded work).
 */
export function createKeyedQueue(options: {
  concurrency: number;
  onError: (error: unknown, key: string) => void;
}) {
  const queues = new Map<string, Array<() => Promise<void>>>();
  const waitingKeys: string[] = [];
  let running = 0;
  let idleWaiters: Array<() => void> = [];

  const runNext = () => {
    while (running < options.concurrency && waitingKeys.length > 0) {
      const key = waitingKeys.shift() as string;
      const tasks = queues.get(key);
      const task = tasks?.shift();
      if (!task) continue;
      running += 1;
      void task()
        .catch((error: unknown) => options.onError(error, key))
        .finally(() => {
          running -= 1;
          if (tasks && tasks.length > 0) waitingKeys.push(key);
          else queues.delete(key);
          runNext();
          if (running === 0 && waitingKeys.length === 0) {
            const waiters = idleWaiters;
            idleWaiters = [];
            for (const wake of waiters) wake();
          }
        });
    }
  };

  return {
    push(key: string, task: () => Promise<void>): void {
      const tasks = queues.get(key);
      if (tasks) {
        tasks.push(task);
        return; // the key is already scheduled or running; its tasks run in order
      }
      queues.set(key, [task]);
      waitingKeys.push(key);
      runNext();
    },
    /**
     * Drops every task not started yet and returns how many; running ones finish. A caller
     * that gives up on a backlog uses it: the work must be recoverable elsewhere.
     */
    clear(): number {
      let dropped = 0;
      for (const tasks of queues.values()) {
        dropped += tasks.length;
        tasks.length = 0;
      }
      // A running key keeps its (now empty) entry, so a push meanwhile still waits its turn.
      for (const key of waitingKeys) queues.delete(key);
      waitingKeys.length = 0;
      if (running === 0) {
        const waiters = idleWaiters;
        idleWaiters = [];
        for (const wake of waiters) wake();
      }
      return dropped;
    },
    /** Resolves when nothing is queued or running. */
    idle(): Promise<void> {
      if (running === 0 && waitingKeys.length === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
    get size(): number {
      let total = running;
      for (const tasks of queues.values()) total += tasks.length;
      return total;
    },
  };
}
