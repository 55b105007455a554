import { Schema, type Connection } from 'mongoose';
import type { Clock } from '../services/clock';
import { trusted } from '../services/database/connect';
import { modelOn } from '../services/database/model';
import type { Logger } from '../services/logging/logger';
import { isDuplicateKey } from '../services/outbox/outbox';
import type { Job } from './jobs';

/** One run of a job, stored: `_id` = `<job>:<slot>`, so of all instances one runs each slot. */
interface JobRunRecord {
  _id: string;
  job: string;
  slot: string;
  instance: string;
  status: 'running' | 'ok' | 'failed';
  startedAt: Date;
  finishedAt: Date | null;
  durationMs: number;
  summary: Record<string, unknown>;
  error: string;
}

const jobRunSchema = new Schema<JobRunRecord>(
  {
    _id: { type: String, required: true },
    job: { type: String, required: true },
    slot: { type: String, required: true },
    instance: { type: String, required: true },
    status: { type: String, required: true },
    startedAt: { type: Date, required: true },
    finishedAt: { type: Date, default: null },
    durationMs: { type: Number, default: 0 },
    summary: { type: Schema.Types.Mixed, default: {} },
    error: { type: String, default: '' },
  },
  { versionKey: false, minimize: false },
);
jobRunSchema.index({ job: 1, startedAt: -1 });

/** The `job_runs` collection: one record per slot run, kept 3 days. */
export function jobRunModel(connection: Connection) {
  return modelOn<JobRunRecord>(connection, 'JobRun', jobRunSchema, 'job_runs');
}

const RUN_RETENTION_MS = 3 * 86_400_000;
const PURGE_EVERY_MS = 3_600_000;

/** How a slot ended here; `elsewhere` = another instance had claimed it. */
export type RunOutcome = 'ok' | 'failed' | 'elsewhere';

/** A run's summary for its log line; undefined when this instance did not run the slot. */
type RunSummary = Record<string, unknown> | undefined;

interface RunnerContext {
  Runs: ReturnType<typeof jobRunModel>;
  instance: string;
  clock: Clock;
  log: Logger;
  onRun?: (job: string, outcome: RunOutcome) => void;
}

/**
 * Runs jobs for slots on this instance: a job never starts while its previous run here is
 * going, and each slot runs on the instance whose insert into `job_runs` wins. Runs older
 * than 3 days are purged as runs go by (at most hourly).
 */
export function createJobRunner(deps: {
  connection: Connection;
  instance: string;
  clock: Clock;
  logger: Logger;
  onRun?: (job: string, outcome: RunOutcome) => void;
}) {
  const { instance, clock, onRun } = deps;
  const ctx: RunnerContext = {
    Runs: jobRunModel(deps.connection),
    instance,
    clock,
    log: deps.logger.child({ component: 'jobs' }),
    ...(onRun ? { onRun } : {}),
  };
  const running = new Map<string, Promise<RunSummary>>();
  let lastPurge = 0;
  return {
    /** Runs a job for a slot unless its previous run is still going here. */
    trigger(job: Job, slot: string): Promise<RunSummary> {
      if (running.has(job.name)) {
        ctx.log.warn(
          { job: job.name, slot, outcome: 'skipped_overlap' },
          'Job still running; this run is skipped',
        );
        return Promise.resolve(undefined);
      }
      const run = runSlot(ctx, job, slot).finally(() => running.delete(job.name));
      running.set(job.name, run);
      const now = clock.now().getTime();
      if (now - lastPurge > PURGE_EVERY_MS) {
        lastPurge = now;
        void ctx.Runs.deleteMany({ startedAt: trusted({ $lt: new Date(now - RUN_RETENTION_MS) }) }).catch(
          () => undefined,
        );
      }
      return run;
    },
    /** Settles once every run in flight has ended. */
    async idle(): Promise<void> {
      await Promise.allSettled([...running.values()]);
    },
  };
}

/** Claims the slot, runs the job and stores its outcome; a failure is logged and summarized, never thrown. */
async function runSlot(ctx: RunnerContext, job: Job, slot: string): Promise<RunSummary> {
  const { Runs, log } = ctx;
  const startedAt = ctx.clock.now();
  const id = `${job.name}:${slot}`;
  try {
    await Runs.create({ _id: id, job: job.name, slot, instance: ctx.instance, status: 'running', startedAt });
  } catch (error) {
    if (isDuplicateKey(error)) {
      log.debug({ job: job.name, slot }, 'Another instance runs this slot');
      ctx.onRun?.(job.name, 'elsewhere');
      return undefined;
    }
    // The database is unreachable: nothing can run now; the next slot tries again.
    log.error({ job: job.name, slot, outcome: 'not_started', err: error }, 'Job run could not start');
    ctx.onRun?.(job.name, 'failed');
    return { failed: true };
  }
  const began = performance.now();
  try {
    const summary = (await job.run(startedAt)) ?? {};
    const durationMs = Math.round(performance.now() - began);
    await Runs.updateOne(
      { _id: id },
      { $set: { status: 'ok', finishedAt: ctx.clock.now(), durationMs, summary } },
    );
    log.info({ job: job.name, slot, outcome: 'ok', durationMs, ...summary }, 'Job run');
    ctx.onRun?.(job.name, 'ok');
    return summary;
  } catch (error) {
    const durationMs = Math.round(performance.now() - began);
    const message = String((error as Error)?.message ?? error).slice(0, 500);
    await Runs.updateOne(
      { _id: id },
      { $set: { status: 'failed', finishedAt: ctx.clock.now(), durationMs, error: message } },
    ).catch(() => undefined);
    log.error(
      { job: job.name, slot, outcome: 'failed', durationMs, err: error },
      'Job run failed; its next run tries again',
    );
    ctx.onRun?.(job.name, 'failed');
    return { failed: true };
  }
}

/** What `createJobRunner` returns. */
export type JobRunner = ReturnType<typeof createJobRunner>;
