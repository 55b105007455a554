import type { Clock } from '../clock';
import {
  FAILING_AFTER_SENDS,
  idleChannel,
  isDegraded,
  jobStatus,
  waitingJob,
  type ChannelHealth,
  type JobHealth,
} from './health-status';

export type { ChannelHealth, JobHealth } from './health-status';

/**
 * In-process health of the channels and the scheduler, fed by the channel adapters' sends,
 * the inbound path and the jobs. Failing channels and late jobs make /healthz say
 * "degraded" (still 200: a platform outage is no reason for a load balancer to drop the
 * instance); only the database decides 503.
 */
export function createHealthTracker(deps: { clock: Clock; startedAt?: Date }) {
  const startedAt = deps.startedAt ?? deps.clock.now();
  const channels = new Map<string, ChannelHealth>();
  const jobs = new Map<string, JobHealth>();
  const iso = () => deps.clock.now().toISOString();

  const channel = (name: string): ChannelHealth => {
    const entry = channels.get(name) ?? idleChannel();
    channels.set(name, entry);
    return entry;
  };

  return {
    /** A channel is on (shown even before its first message). */
    channelEnabled(name: string) {
      channel(name);
    },
    sendSucceeded(name: string) {
      const entry = channel(name);
      Object.assign(entry, { status: 'ok', lastSendOkAt: iso(), consecutiveFailures: 0 });
    },
    sendFailed(name: string, kind: string) {
      const entry = channel(name);
      entry.consecutiveFailures += 1;
      Object.assign(entry, { lastSendFailedAt: iso(), lastFailure: kind });
      if (entry.consecutiveFailures >= FAILING_AFTER_SENDS) entry.status = 'failing';
    },
    received(name: string) {
      const entry = channel(name);
      entry.lastInboundAt = iso();
      if (entry.status === 'idle') entry.status = 'ok';
    },
    /** A job that should run at least every `everyMs`. */
    jobScheduled(name: string, everyMs: number) {
      jobs.set(name, jobs.get(name) ?? waitingJob(everyMs));
    },
    jobRan(name: string, outcome: 'ok' | 'failed') {
      const entry = jobs.get(name) ?? waitingJob();
      Object.assign(entry, { lastRunAt: iso(), lastOutcome: outcome });
      jobs.set(name, entry);
    },
    snapshot(): {
      channels: Record<string, ChannelHealth>;
      scheduler: Record<string, JobHealth>;
      degraded: boolean;
    } {
      const now = deps.clock.now().getTime();
      const scheduler: Record<string, JobHealth> = {};
      for (const [name, job] of jobs)
        scheduler[name] = { ...job, status: jobStatus(job, now, startedAt.getTime()) };
      const channelView = Object.fromEntries([...channels].map(([name, entry]) => [name, { ...entry }]));
      const degraded = isDegraded(Object.values(channelView), Object.values(scheduler));
      return { channels: channelView, scheduler, degraded };
    },
  };
}

export type HealthTracker = ReturnType<typeof createHealthTracker>;
