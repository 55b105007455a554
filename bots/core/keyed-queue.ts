/** Tasks in flight on the priority lane before more of them wait (a burst of emergencies). */
const URGENT_CONCURRENCY = 16;

type Task = () => Promise<void>;

interface QueueState {
  concurrency: number;
  onError: (error: unknown, key: string) => void;
  /** Each key's tasks in order; a key is here while it has tasks queued or one running. */
  queues: Map<string, Task[]>;
  /** Keys waiting for a turn, per lane; lanes in the order they take turns. */
  lanes: Map<string, string[]>;
  laneOf: Map<string, string>;
  urgentWaiting: Array<{ key: string; task: Task }>;
  running: number;
  urgentRunning: number;
  idleWaiters: Array<() => void>;
}

function waitingCount(state: QueueState): number {
  let count = state.urgentWaiting.length;
  for (const keys of state.lanes.values()) count += keys.length;
  return count;
}

function wakeIdle(state: QueueState): void {
  if (state.running + state.urgentRunning > 0 || waitingCount(state) > 0) return;
  const waiters = state.idleWaiters;
  state.idleWaiters = [];
  for (const wake of waiters) wake();
}

/** The next key to run: the first key of the first lane, which then goes to the back. */
function nextKey(state: QueueState): string | undefined {
  for (const [lane, keys] of state.lanes) {
    state.lanes.delete(lane);
    const key = keys.shift();
    if (keys.length > 0) state.lanes.set(lane, keys);
    if (key !== undefined) return key;
  }
  return undefined;
}

function enqueueKey(state: QueueState, key: string): void {
  const lane = state.laneOf.get(key) ?? '';
  const keys = state.lanes.get(lane) ?? [];
  keys.push(key);
  state.lanes.set(lane, keys);
}

function runUrgent(state: QueueState): void {
  while (state.urgentRunning < URGENT_CONCURRENCY && state.urgentWaiting.length > 0) {
    const { key, task } = state.urgentWaiting.shift() as { key: string; task: Task };
    state.urgentRunning += 1;
    void task()
      .catch((error: unknown) => state.onError(error, key))
      .finally(() => {
        state.urgentRunning -= 1;
        runUrgent(state);
        wakeIdle(state);
      });
  }
}

function runNext(state: QueueState): void {
  while (state.running < state.concurrency) {
    const key = nextKey(state);
    if (key === undefined) return;
    const tasks = state.queues.get(key);
    const task = tasks?.shift();
    if (!task) continue;
    state.running += 1;
    void task()
      .catch((error: unknown) => state.onError(error, key))
      .finally(() => {
        state.running -= 1;
        if (tasks && tasks.length > 0) enqueueKey(state, key);
        else {
          state.queues.delete(key);
          state.laneOf.delete(key);
        }
        runNext(state);
        wakeIdle(state);
      });
  }
}

/** Drops every task not started yet and returns how many; running ones finish. */
function clear(state: QueueState): number {
  let dropped = state.urgentWaiting.length;
  state.urgentWaiting.length = 0;
  for (const tasks of state.queues.values()) {
    dropped += tasks.length;
    tasks.length = 0;
  }
  // A running key keeps its (now empty) entry, so a push meanwhile still waits its turn.
  for (const keys of state.lanes.values())
    for (const key of keys) {
      state.queues.delete(key);
      state.laneOf.delete(key);
    }
  state.lanes.clear();
  wakeIdle(state);
  return dropped;
}

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
  const state: QueueState = {
    ...options,
    queues: new Map(),
    lanes: new Map(),
    laneOf: new Map(),
    urgentWaiting: [],
    running: 0,
    urgentRunning: 0,
    idleWaiters: [],
  };
  return {
    /** Queues a task for `key` (in `lane`, e.g. its channel); `urgent` starts it at once. */
    push(key: string, task: Task, placement: { lane?: string; urgent?: boolean } = {}): void {
      if (placement.urgent) {
        state.urgentWaiting.push({ key, task });
        runUrgent(state);
        return;
      }
      const tasks = state.queues.get(key);
      if (tasks) {
        tasks.push(task);
        return; // the key is already scheduled or running; its tasks run in order
      }
      state.queues.set(key, [task]);
      state.laneOf.set(key, placement.lane ?? '');
      enqueueKey(state, key);
      runNext(state);
    },
    /**
     * Drops every task not started yet and returns how many; running ones finish. A caller
     * that gives up on a backlog uses it: the work must be recoverable elsewhere.
     */
    clear: () => clear(state),
    /** Resolves when nothing is queued or running. */
    idle(): Promise<void> {
      if (state.running + state.urgentRunning === 0 && waitingCount(state) === 0) return Promise.resolve();
      return new Promise((resolve) => state.idleWaiters.push(resolve));
    },
    get size(): number {
      let total = state.running + state.urgentRunning + state.urgentWaiting.length;
      for (const tasks of state.queues.values()) total += tasks.length;
      return total;
    },
  };
}
