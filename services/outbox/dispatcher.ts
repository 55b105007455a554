/**
 * The outbox dispatcher: claims due entries with a lease, sends them through the channel
 * adapters within per-channel rate limits, retries what is worth retrying and
 * dead-letters the rest. Any number of instances may run against one database.
 *
 * Claiming (claiming.ts). An entry's lease lives on the entry: `holder`, `leaseUntil` and a
 * `generation` counter. A claim is one conditional `updateOne` that finds the entry still
 * free (pending and due, or 'sending' with an expired lease) and as read (its generation)
 * and takes the next generation; every later write of the holder names its generation in the filter, so a
 * holder whose lease was taken over writes nothing (except the fact of a delivery).
 *
 * Delivery (delivery.ts): exactly-once, or at-most-once when the outcome is unknown. Just
 * before each platform request the holder inserts `outbox_attempts/<entryId>:<part>:<generation>`;
 * right after the 2xx it marks the entry sent (a sent entry is never taken over). If that
 * write fails (the database is down), the holder keeps the entry in memory and retries the
 * write with backoff until it lands or `stop()` gives up; meanwhile it never claims the
 * entry again. A holder that takes over an entry whose lease ran out and finds an attempt
 * record of an earlier generation knows the process stopped during the send, and neither we
 * nor Telegram, Slack or WeChat (no idempotency keys) can tell whether the owner got it.
 * Such an entry is not sent again: it is dead-lettered with `OUTCOME_UNKNOWN_REASON`,
 * logged and counted (`failures{kind="outcome_unknown"}`), so a person decides (`requeue`
 * resends it). A stalled holder's late 2xx still records the delivery over the dead letter
 * (settling.ts). Not covered: a send that timed out (`sendTimeoutMs`) is retried, as the
 * platform most likely did not take it; and a holder stalled for longer than a lease
 * between its attempt record and its request. Enqueue is exactly-once per key (enqueue.ts).
 *
 * Rate limits. A limiter per dispatcher (`rate-limiter.ts`) paces every send, per channel
 * and per conversation, so sends wait for a slot instead of running into 429s; a
 * retry-after pauses the whole channel for exactly that long. A channel's overall rate is
 * shared with the other instances through slices of time claimed in the database
 * (`rate-slices.ts`), so N instances together stay within the platform's limit. A pass only
 * claims what the limiter can send within half the lease (minus the send timeout), and
 * the lease is extended before a send that would otherwise outlive it. Sends run in
 * parallel (each waits for its own slot), so database writes overlap with other sends.
 *
 * Local channels (the web chat, whose send is a write to our own database that keeps each
 * delivery once): an entry queued while this dispatcher runs is sent as it is queued and
 * stored as sent (local-sender.ts); only a send that failed is left to the claim passes.
 */
import { claimPass } from './claiming';
import { deliver } from './delivery';
import { localSender } from './local-sender';
import {
  createDispatcherState,
  type Claim,
  type DispatcherOptions,
  type DispatcherState,
} from './dispatcher-state';

export type { DeadLetterEvent, DispatcherOptions, SentEvent } from './dispatcher-state';
export { OUTCOME_UNKNOWN_REASON } from './settling';

/** The longest pause between passes while claim passes keep failing (the database is away). */
const MAX_BACKOFF_MS = 30_000;

/** A pause that `wake()` cuts short. */
function createIdler() {
  let wakeUp: (() => void) | undefined;
  return {
    idle: (ms: number) =>
      new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          wakeUp = undefined;
          resolve();
        };
        const timer = setTimeout(done, ms);
        wakeUp = done;
      }),
    wake: () => wakeUp?.(),
  };
}

/** Waits for the sends in flight to end, at most `timeoutMs`; logs how many were still running then. */
async function waitForSends(
  state: DispatcherState,
  tasks: Set<Promise<void>>,
  timeoutMs: number,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([
    Promise.allSettled([...tasks]).then(() => false),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), timeoutMs);
      timer.unref();
    }),
  ]);
  clearTimeout(timer);
  if (timedOut)
    state.log.warn({ inFlight: tasks.size }, 'Stopped with sends still in flight; their leases will expire');
}

/** Runs the outbox's purge when `intervalMs` has passed since the last; returns when it last ran. */
async function purgeIfDue(state: DispatcherState, lastPurge: number, intervalMs: number): Promise<number> {
  const now = state.clock.now().getTime();
  if (!state.options.outbox || now - lastPurge < intervalMs) return lastPurge;
  try {
    state.log.info(await state.options.outbox.purge(), 'Outbox purged');
  } catch (error) {
    state.log.error({ err: error }, 'Outbox purge failed; retried next hour');
  }
  return now;
}

/**
 * Claim passes until stopped: after each, a pause of `pollIntervalMs` (cut short by
 * `wake()`), growing while passes keep failing; the purge when it is due.
 */
async function pollUntilStopped(
  state: DispatcherState,
  loop: {
    running: () => boolean;
    /** One pass; true when it left entries it could claim once there is room. */
    pass: () => Promise<boolean>;
    idle: (ms: number, limited: boolean) => Promise<void>;
    pollIntervalMs: number;
    purgeIntervalMs: number;
  },
): Promise<void> {
  let consecutiveErrors = 0;
  let lastPurge = state.clock.now().getTime();
  while (loop.running()) {
    let limited = false;
    try {
      limited = await loop.pass();
      consecutiveErrors = 0;
    } catch (error) {
      consecutiveErrors++;
      if (consecutiveErrors === 1 || consecutiveErrors % 50 === 0)
        state.log.error({ err: error, consecutiveErrors }, 'Outbox claim pass failed; retrying');
    }
    lastPurge = await purgeIfDue(state, lastPurge, loop.purgeIntervalMs);
    if (!loop.running()) break;
    const backoff = consecutiveErrors > 0 ? loop.pollIntervalMs * 2 ** Math.min(consecutiveErrors, 5) : 0;
    await loop.idle(Math.min(Math.max(loop.pollIntervalMs, backoff), MAX_BACKOFF_MS), limited);
  }
}

/**
 * Creates a dispatcher. `start()` runs claim passes until `stop()`; `runOnce()` runs one
 * pass and waits for its sends (tests, CLI). One failing entry never stops either.
 */
export function createDispatcher(options: DispatcherOptions) {
  const state = createDispatcherState(options);
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  const purgeIntervalMs = options.purgeIntervalMs ?? 60 * 60_000;
  const { idle, wake } = createIdler();
  const active = new Set<Promise<void>>();
  let running = false;
  let loopDone: Promise<void> | undefined;
  let wakeWhenDrained = false;
  let stopSendingLocally: (() => void) | undefined;

  const start = (claim: Claim): Promise<void> => {
    const task = deliver(state, claim);
    active.add(task);
    void task.finally(() => {
      active.delete(task);
      // Claim again once half the batch is done, not after every send: each pass is a query.
      if (wakeWhenDrained && active.size <= state.batchSize / 2) wake();
    });
    return task;
  };

  const loop = () =>
    pollUntilStopped(state, {
      running: () => running,
      pass: async () => {
        const free = state.batchSize - active.size;
        return free <= 0 || (await claimPass(state, free, start)).limited;
      },
      idle: (ms, limited) => {
        wakeWhenDrained = limited;
        return idle(ms);
      },
      pollIntervalMs,
      purgeIntervalMs,
    });

  return {
    /** Runs claim passes every `pollIntervalMs` (sooner when woken or when sends finish) until `stop()`. */
    start(): void {
      if (running) return;
      running = true;
      state.stopping = false;
      state.halted = false;
      stopSendingLocally = options.outbox?.sendLocallyWith(localSender(state));
      loopDone = loop();
    },

    /**
     * Stops claiming, hands back entries still waiting for a send slot, and waits up to
     * `stopTimeoutMs` for sends in flight. A send still running after that keeps its lease,
     * which expires, so another claim settles it (see the top of this file).
     */
    async stop(): Promise<void> {
      running = false;
      state.stopping = true;
      stopSendingLocally?.();
      wake();
      state.limiter.cancelAll();
      await loopDone;
      loopDone = undefined;
      await waitForSends(state, active, options.stopTimeoutMs ?? 10_000);
      state.halted = true;
      state.stopping = false;
    },

    /** One claim pass; resolves with the number of entries claimed once all of them are settled. */
    async runOnce(): Promise<number> {
      const { tasks } = await claimPass(state, Math.max(0, state.batchSize - active.size), start);
      await Promise.all(tasks);
      return tasks.length;
    },

    /** Asks for a claim pass now (call after enqueueing a reply); otherwise passes run every `pollIntervalMs`. */
    wake,

    instanceId: state.instanceId,
  };
}

export type Dispatcher = ReturnType<typeof createDispatcher>;
