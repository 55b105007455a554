import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { Connection } from 'mongoose';
import cron, { type ScheduledTask } from 'node-cron';
import type { Clock } from '../services/clock';
import { ConfigError } from '../services/errors';
import type { Logger } from '../services/logging/logger';
import { cronProblems } from './cron-time';
import { createJobRunner, type JobRunner, type RunOutcome } from './job-runs';

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

export { jobRunModel } from './job-runs';

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
  onRun?: (job: string, outcome: RunOutcome) => void;
}) {
  const problems = cronProblems(Object.fromEntries(deps.jobs.map((job) => [job.name, job.cron])));
  if (problems.length > 0) throw new ConfigError(problems);
  const { clock } = deps;
  const instance = deps.instanceId ?? `${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const runner = createJobRunner({
    connection: deps.connection,
    instance,
    clock,
    logger: deps.logger,
    ...(deps.onRun ? { onRun: deps.onRun } : {}),
  });
  const tasks =
    deps.schedule === false ? [] : deps.jobs.map((job) => scheduleJob(job, deps.timezone, runner));

  return {
    /** Catch-up: runs the jobs marked `runOnStart` once now (in the background). */
    catchUp(): Promise<unknown> {
      return Promise.all(
        deps.jobs
          .filter((job) => job.runOnStart)
          .map((job) => runner.trigger(job, `start:${instance}:${clock.now().toISOString()}`)),
      );
    },
    /** Runs one job now (tests, operations); `slot` defaults to a slot of its own. */
    runNow(name: string, slot?: string): Promise<Record<string, unknown> | undefined> {
      const job = deps.jobs.find((candidate) => candidate.name === name);
      if (!job) throw new Error(`no job ${name}`);
      return runner.trigger(
        job,
        slot ?? `manual:${instance}:${clock.now().toISOString()}:${randomBytes(2).toString('hex')}`,
      );
    },
    /** Stops scheduling and waits for runs in flight. */
    async stop(): Promise<void> {
      for (const task of tasks) {
        await task.stop();
        await task.destroy();
      }
      await runner.idle();
    },
  };
}

/** Schedules a job on node-cron; each firing runs the slot named by the minute it fired for. */
function scheduleJob(job: Job, timezone: string, runner: JobRunner): ScheduledTask {
  return cron.schedule(
    job.cron,
    // The slot is the minute node-cron fired for, the same on every instance.
    (context) =>
      runner.trigger(job, new Date(Math.floor(context.date.getTime() / 60_000) * 60_000).toISOString()),
    { timezone, noOverlap: true, name: job.name },
  );
}

export type Jobs = ReturnType<typeof startJobs>;
