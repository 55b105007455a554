import { Registry, collectDefaultMetrics } from 'prom-client';
import { systemClock, type Clock } from '../clock';
import { createHealthTracker } from './health';
import {
  httpMetrics,
  jobMetrics,
  limitMetrics,
  messageMetrics,
  slaMetrics,
  type SlaBreachSource,
} from './metric-families';

/**
 * The process's Prometheus metrics, on a registry of its own (never prom-client's global),
 * so two apps in one test process do not share counters. The outbox adds its own
 * (services/outbox/outbox-metrics.ts: sent, failures, dead letters, depth, age). `health`
 * is what /healthz reports about channels and jobs.
 */
export function createMetrics(options: { clock?: Clock } = {}) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  let openSlaBreaches: SlaBreachSource | undefined;
  const health = createHealthTracker({ clock: options.clock ?? systemClock });
  const jobs = jobMetrics(registry);
  return {
    registry,
    health,
    ...jobs,
    ...httpMetrics(registry),
    ...messageMetrics(registry),
    ...slaMetrics(registry, () => openSlaBreaches),
    ...limitMetrics(registry),
    /** Where the SLA breach gauge reads from (the core gives it a database query). */
    trackSlaBreaches(source: SlaBreachSource) {
      openSlaBreaches = source;
    },
    /** Records one finished job run in the counters, the gauge and /healthz. */
    jobFinished(job: string, outcome: 'ok' | 'failed') {
      jobs.jobRuns.inc({ job, outcome });
      jobs.jobLastRun.set({ job }, Date.now() / 1000);
      health.jobRan(job, outcome);
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
