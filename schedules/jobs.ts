import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { Schema, type Connection } from 'mongoose';
import cron, { type ScheduledTask } from 'node-cron';
import type { Clock } from '../services/clock';
import { trusted } from '../services/database/connect';
import { modelOn } from '../services/database/model';
import { ConfigError } from '../services/errors';
import type { Logger } from '../services/logging/logger';
import { isDuplicateKey } from '../services/outbox/outbox';
import { cronProblems } from './cron-time';

/**
 * A scheduled job: a plain function of the time it runs at (its dependencies are bound
 * when the job is defined). It returns a small summary that goes into the run's log line.
 * Effects must be keyed: every instance runs the same cron.
 */
export interface Job {
  name: string;
  /** node-cron expression in BOT_TIMEZONE (validated at start-up). */
  cron: string;
  run(now: Date): Promise<Record<string, unknown> | void>;
  /** Run once at start too: catch-up for runs missed while the service was down. */
  runOnStart?: boolean;
}

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

export function jobRunModel(connection: Connection) {
  return modelOn<JobRunRecord>(connection, 'JobRun', jobRunSchema, 'job_runs');
}

const RUN_RETENTION_MS = 3 * 86_400_000;
const PURGE_EVERY_MS = 3_600_000;

/**
 * Runs jobs on node-cron in `timezone`. Overlap is prevented twice: within the process a
 * job never starts while its previous run is going (node-cron `noOverlap` plus our own
 * guard, which also covers start-up and manual runs), and across instances each cron slot
 * is claimed by a unique insert into `job_runs`, so one instance runs it. Every run is
 * logged and stored with its outcome (kept 3 days). Throws ConfigError for bad crons.
 */
export function startJobs(deps: {
  jobs: Job[];
  connection: Connection;
  clock: Clock;
  logger: Logger;
  timezone: string;
  instanceId?: string;
  /** False in tests: nothing is scheduled, `runNow` drives the jobs. */
  schedule?: boolean;
  /** Told of every slot this instance ran (metrics, /healthz); `elsewhere` = another instance had it. */
  onRun?: (job: string, outcome: 'ok' | 'failed' | 'elsewhere') => void;
}) {
  const problems = cronProblems(Object.fromEntries(deps.jobs.map((job) => [job.name, job.cron])));
  if (problems.length > 0) throw new ConfigError(problems);
  const Runs = jobRunModel(deps.connection);
  const instance = deps.instanceId ?? `${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const log = deps.logger.child({ component: 'jobs' });
  const running = new Map<string, Promise<Record<string, unknown> | undefined>>();
  const tasks: ScheduledTask[] = [];
  let lastPurge = 0;

  async function execute(job: Job, slot: string): Promise<Record<string, unknown> | undefined> {
    const startedAt = deps.clock.now();
    const id = `${job.name}:${slot}`;
    try {
      await Runs.create({ _id: id, job: job.name, slot, instance, status: 'running', startedAt });
    } catch (error) {
      if (isDuplicateKey(error)) {
        log.debug({ job: job.name, slot }, 'Another instance runs this slot');
        deps.onRun?.(job.name, 'elsewhere');
        return undefined;
      }
      // The database is unreachable: nothing can run now; the next slot tries again.
      log.error({ job: job.name, slot, outcome: 'not_started', err: error }, 'Job run could not start');
      deps.onRun?.(job.name, 'failed');
      return { failed: true };
    }
    const began = performance.now();
    try {
      const summary = (await job.run(startedAt)) ?? {};
      const durationMs = Math.round(performance.now() - began);
      await Runs.updateOne(
        { _id: id },
        { $set: { status: 'ok', finishedAt: deps.clock.now(), durationMs, summary } },
      );
      log.info({ job: job.name, slot, outcome: 'ok', durationMs, ...summary }, 'Job run');
      deps.onRun?.(job.name, 'ok');
      return summary;
    } catch (error) {
      const durationMs = Math.round(performance.now() - began);
      await Runs.updateOne(
        { _id: id },
        {
          $set: {
            status: 'failed',
            finishedAt: deps.clock.now(),
            durationMs,
            error: String((error as Error)?.message ?? error).slice(0, 500),
          },
        },
      ).catch(() => undefined);
      log.error(
        { job: job.name, slot, outcome: 'failed', durationMs, err: error },
        'Job run failed; its next run tries again',
      );
      deps.onRun?.(job.name, 'failed');
      return { failed: true };
    }
  }

  /** Runs a job for a slot unless its previous run is still going here. */
  function trigger(job: Job, slot: string): Promise<Record<string, unknown> | undefined> {
    const current = running.get(job.name);
    if (current) {
      log.warn({ job: job.name, slot, outcome: 'skipped_overlap' }, 'Job still running; this run is skipped');
      return Promise.resolve(undefined);
    }
    const run = execute(job, slot).finally(() => running.delete(job.name));
    running.set(job.name, run);
    const now = deps.clock.now().getTime();
    if (now - lastPurge > PURGE_EVERY_MS) {
      lastPurge = now;
      void Runs.deleteMany({ startedAt: trusted({ $lt: new Date(now - RUN_RETENTION_MS) }) }).catch(
        () => undefined,
      );
    }
    return run;
  }

  if (deps.schedule !== false) {
    for (const job of deps.jobs) {
      tasks.push(
        cron.schedule(
          job.cron,
          // The slot is the minute node-cron fired for, the same on every instance.
          (context) =>
            trigger(job, new Date(Math.floor(context.date.getTime() / 60_000) * 60_000).toISOString()),
          { timezone: deps.timezone, noOverlap: true, name: job.name },
        ),
      );
    }
  }

  return {
    /** Catch-up: runs the jobs marked `runOnStart` once now (in the background). */
    catchUp(): Promise<unknown> {
      return Promise.all(
        deps.jobs
          .filter((job) => job.runOnStart)
          .map((job) => trigger(job, `start:${instance}:${deps.clock.now().toISOString()}`)),
      );
    },
    /** Runs one job now (tests, operations); `slot` defaults to a slot of its own. */
    runNow(name: string, slot?: string): Promise<Record<string, unknown> | undefined> {
      const job = deps.jobs.find((candidate) => candidate.name === name);
      if (!job) throw new Error(`no job ${name}`);
      return trigger(
        job,
        slot ?? `manual:${instance}:${deps.clock.now().toISOString()}:${randomBytes(2).toString('hex')}`,
      );
    },
    /** Stops scheduling and waits for runs in flight. */
    async stop(): Promise<void> {
      for (const task of tasks) {
        await task.stop();
        await task.destroy();
      }
      await Promise.allSettled([...running.values()]);
    },
  };
}

export type Jobs = ReturnType<typeof startJobs>;
