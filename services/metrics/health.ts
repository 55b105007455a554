import type { Clock } from '../clock';

/** What /healthz says about one channel: whether its last send worked, and when it last heard from owners. */
export interface ChannelHealth {
  status: 'ok' | 'failing' | 'idle';
  lastSendOkAt: string | null;
  lastSendFailedAt: string | null;
  /** The failure kind of the last failed send (rate_limited, network, rejected, ...); '' when none. */
  lastFailure: string;
  /** Failed sends in a row since the last success. */
  consecutiveFailures: number;
  lastInboundAt: string | null;
}

/** What /healthz says about one scheduled job. */
export interface JobHealth {
  status: 'ok' | 'failing' | 'late' | 'waiting';
  lastRunAt: string | null;
  lastOutcome: 'ok' | 'failed' | '';
  /** A run is expected at least this often (ms). */
  everyMs: number;
}

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
    let entry = channels.get(name);
    if (!entry) {
      entry = {
        status: 'idle',
        lastSendOkAt: null,
        lastSendFailedAt: null,
        lastFailure: '',
        consecutiveFailures: 0,
        lastInboundAt: null,
      };
      channels.set(name, entry);
    }
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
      // One 429 or a blocked owner is normal life; three failures in a row is an outage.
      if (entry.consecutiveFailures >= 3) entry.status = 'failing';
    },
    received(name: string) {
      const entry = channel(name);
      entry.lastInboundAt = iso();
      if (entry.status === 'idle') entry.status = 'ok';
    },
    /** A job that should run at least every `everyMs`. */
    jobScheduled(name: string, everyMs: number) {
      jobs.set(name, jobs.get(name) ?? { status: 'waiting', lastRunAt: null, lastOutcome: '', everyMs });
    },
    jobRan(name: string, outcome: 'ok' | 'failed') {
      const entry = jobs.get(name) ?? {
        status: 'waiting',
        lastRunAt: null,
        lastOutcome: '',
        everyMs: 60_000,
      };
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
      for (const [name, job] of jobs) {
        const last = job.lastRunAt ? Date.parse(job.lastRunAt) : startedAt.getTime();
        // Two missed periods (plus a minute of slack) is late: the cron loop or the event loop is stuck.
        const late = now - last > 2 * job.everyMs + 60_000;
        const status = late
          ? 'late'
          : job.lastOutcome === 'failed'
            ? 'failing'
            : job.lastRunAt
              ? 'ok'
              : 'waiting';
        scheduler[name] = { ...job, status };
      }
      const channelView = Object.fromEntries([...channels].map(([name, entry]) => [name, { ...entry }]));
      const degraded =
        Object.values(channelView).some((c) => c.status === 'failing') ||
        Object.values(scheduler).some((j) => j.status === 'late' || j.status === 'failing');
      return { channels: channelView, scheduler, degraded };
    },
  };
}

export type HealthTracker = ReturnType<typeof createHealthTracker>;
