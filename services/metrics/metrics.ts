import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { systemClock, type Clock } from '../clock';
import { createHealthTracker } from './health';

/**
 * The process's Prometheus metrics, on a registry of its own (never prom-client's global),
 * so two apps in one test process do not share counters. The outbox adds its own
 * (services/outbox/outbox-metrics.ts: sent, failures, dead letters, depth, age). `health`
 * is what /healthz reports about channels and jobs.
 */
export function createMetrics(options: { clock?: Clock } = {}) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  let openSlaBreaches: (() => Promise<Array<{ level: number; count: number }>>) | undefined;
  const health = createHealthTracker({ clock: options.clock ?? systemClock });
  const jobRuns = new Counter({
    name: 'ownerbot_job_runs_total',
    help: 'Scheduled job runs, by job and outcome (ok, failed)',
    labelNames: ['job', 'outcome'] as const,
    registers: [registry],
  });
  const jobLastRun = new Gauge({
    name: 'ownerbot_job_last_run_timestamp_seconds',
    help: 'When each scheduled job last finished (Unix time)',
    labelNames: ['job'] as const,
    registers: [registry],
  });
  return {
    registry,
    health,
    jobRuns,
    jobLastRun,
    httpRequests: new Counter({
      name: 'ownerbot_http_requests_total',
      help: 'HTTP requests answered, by route and status code',
      labelNames: ['route', 'status'] as const,
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'ownerbot_http_request_duration_seconds',
      help: 'Time to answer HTTP requests, by route',
      labelNames: ['route'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    inbound: new Counter({
      name: 'ownerbot_inbound_messages_total',
      help: 'Owner messages received, by channel and result (stored, duplicate, failed: not stored, the platform retries)',
      labelNames: ['channel', 'result'] as const,
      registers: [registry],
    }),
    outbound: new Counter({
      name: 'ownerbot_channel_sends_total',
      help: 'Send attempts through a channel adapter, by channel and outcome (ok, or the failure kind)',
      labelNames: ['channel', 'outcome'] as const,
      registers: [registry],
    }),
    sendDuration: new Histogram({
      name: 'ownerbot_channel_send_duration_seconds',
      help: 'Time a platform took to accept a message, by channel',
      labelNames: ['channel'] as const,
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    classification: new Histogram({
      name: 'ownerbot_classification_duration_seconds',
      help: 'Time to understand one message (language, emergency, intent, category)',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25],
      registers: [registry],
    }),
    slaSteps: new Counter({
      name: 'ownerbot_sla_steps_total',
      help: 'SLA warnings and escalations applied (breaches are type="escalation"), by deadline and target',
      labelNames: ['type', 'deadline', 'target'] as const,
      registers: [registry],
    }),
    slaBreachedOpen: new Gauge({
      name: 'ownerbot_sla_breached_open_cases',
      help: 'Open cases past an SLA deadline, by escalation level (1 desk, 2 supervisor, 3 manager); read from the database, so aggregate with max()',
      labelNames: ['level'] as const,
      registers: [registry],
      async collect() {
        if (!openSlaBreaches) return;
        const rows = await openSlaBreaches().catch(() => undefined);
        if (!rows) return;
        this.reset();
        for (const level of [1, 2, 3]) this.set({ level: String(level) }, 0);
        for (const row of rows) this.set({ level: String(row.level) }, row.count);
      },
    }),
    floodHeld: new Counter({
      name: 'ownerbot_flood_held_total',
      help: 'Messages over the per-sender or per-channel limit, stored but not handled one by one, by channel and scope',
      labelNames: ['channel', 'scope'] as const,
      registers: [registry],
    }),
    webChatRefused: new Counter({
      name: 'ownerbot_web_chat_refused_total',
      help: 'Anonymous web chat requests refused by a limit (WEB_CHAT_LIMITS), by limit',
      labelNames: ['limit'] as const,
      registers: [registry],
    }),
    /** Where the SLA breach gauge reads from (the core gives it a database query). */
    trackSlaBreaches(source: () => Promise<Array<{ level: number; count: number }>>) {
      openSlaBreaches = source;
    },
    /** Records one finished job run in the counters, the gauge and /healthz. */
    jobFinished(job: string, outcome: 'ok' | 'failed') {
      jobRuns.inc({ job, outcome });
      jobLastRun.set({ job }, Date.now() / 1000);
      health.jobRan(job, outcome);
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
