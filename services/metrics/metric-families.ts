import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Rows of open cases past an SLA deadline, by escalation level. */
export type SlaBreachSource = () => Promise<Array<{ level: number; count: number }>>;

/** Scheduled job runs and when each job last finished. */
export function jobMetrics(registry: Registry) {
  return {
    jobRuns: new Counter({
      name: 'ownerbot_job_runs_total',
      help: 'Scheduled job runs, by job and outcome (ok, failed)',
      labelNames: ['job', 'outcome'] as const,
      registers: [registry],
    }),
    jobLastRun: new Gauge({
      name: 'ownerbot_job_last_run_timestamp_seconds',
      help: 'When each scheduled job last finished (Unix time)',
      labelNames: ['job'] as const,
      registers: [registry],
    }),
  };
}

/** Requests the HTTP server answered and how long they took. */
export function httpMetrics(registry: Registry) {
  return {
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
  };
}

/** Owner messages in, sends out through the channel adapters, and the time to understand one. */
export function messageMetrics(registry: Registry) {
  return {
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
  };
}

/**
 * SLA steps applied, and a gauge of open breached cases read from `source()` at each scrape;
 * until a source is given, or when it fails, the gauge keeps its last values.
 */
export function slaMetrics(registry: Registry, source: () => SlaBreachSource | undefined) {
  return {
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
        const read = source();
        if (!read) return;
        const rows = await read().catch(() => undefined);
        if (!rows) return;
        this.reset();
        for (const level of [1, 2, 3]) this.set({ level: String(level) }, 0);
        for (const row of rows) this.set({ level: String(row.level) }, row.count);
      },
    }),
  };
}

/** Messages and web chat requests held back or refused by a limit. */
export function limitMetrics(registry: Registry) {
  return {
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
  };
}
