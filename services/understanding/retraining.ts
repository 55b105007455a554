import type { Logger } from '../logging/logger';

/**
 * Runs one retraining at a time: a request during a run queues exactly one more run after
 * it, and `schedule()` debounces bursts of corrections into one run. A failed run is logged
 * and the previous model stays in use. After `stop()` nothing new starts.
 */
export function createRetraining(deps: {
  train(reason: string): Promise<void>;
  debounceMs: number;
  log: Logger;
}) {
  let timer: NodeJS.Timeout | undefined;
  let training: Promise<void> | undefined;
  let again = false;
  let stopped = false;

  function run(reason: string): Promise<void> {
    if (training) {
      again = true;
      return training;
    }
    training = deps
      .train(reason)
      .catch((error: unknown) =>
        deps.log.error({ err: error }, 'Retraining failed; the previous model stays in use'),
      )
      .finally(() => {
        training = undefined;
        if (again && !stopped) {
          again = false;
          void run('corrections arrived during training');
        }
      });
    return training;
  }

  return {
    /** Retrains after `debounceMs` without a further call. */
    schedule(): void {
      if (stopped) return;
      clearTimeout(timer);
      timer = setTimeout(() => {
        timer = undefined;
        void run('staff corrections');
      }, deps.debounceMs);
      timer.unref();
    },
    /** Starts a scheduled retraining now and resolves when none is running or scheduled. */
    async idle(): Promise<void> {
      while (timer || training) {
        if (timer) {
          clearTimeout(timer);
          timer = undefined;
          void run('staff corrections');
        }
        await training;
      }
    },
    /** Cancels the scheduled retraining and waits for the running one. */
    async stop(): Promise<void> {
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
      await training;
    },
  };
}
