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

/** One failed send is normal life (a 429, a blocked owner); this many in a row is an outage. */
export const FAILING_AFTER_SENDS = 3;

/** A channel nobody has used yet: idle, nothing sent or received. */
export function idleChannel(): ChannelHealth {
  return {
    status: 'idle',
    lastSendOkAt: null,
    lastSendFailedAt: null,
    lastFailure: '',
    consecutiveFailures: 0,
    lastInboundAt: null,
  };
}

/** A job that has not run yet; jobs never announced are expected every minute. */
export function waitingJob(everyMs = 60_000): JobHealth {
  return { status: 'waiting', lastRunAt: null, lastOutcome: '', everyMs };
}

/**
 * A job's status at `nowMs`: late after two missed periods plus a minute of slack (the cron
 * loop or the event loop is stuck), counted from start-up until its first run.
 */
export function jobStatus(job: JobHealth, nowMs: number, startedAtMs: number): JobHealth['status'] {
  const last = job.lastRunAt ? Date.parse(job.lastRunAt) : startedAtMs;
  if (nowMs - last > 2 * job.everyMs + 60_000) return 'late';
  if (job.lastOutcome === 'failed') return 'failing';
  return job.lastRunAt ? 'ok' : 'waiting';
}

/** Degraded when a channel is failing or a job is late or failing; only the database decides 503. */
export function isDegraded(channels: ChannelHealth[], jobs: JobHealth[]): boolean {
  return (
    channels.some((channel) => channel.status === 'failing') ||
    jobs.some((job) => job.status === 'late' || job.status === 'failing')
  );
}
