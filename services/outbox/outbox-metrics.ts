import { Counter, Gauge, type Registry } from 'prom-client';
import type { OutboxStats } from './outbox';

/**
 * The outbox's Prometheus metrics, registered on the given registry. Depth and lag are
 * read from the database at scrape time (once `trackDepth` is given a source), so every
 * instance reports the same shared queue: aggregate them with max(), not sum().
 */
export function createOutboxMetrics(registry: Registry) {
  let depthSource: (() => Promise<OutboxStats>) | undefined;
  let lastStats: Promise<OutboxStats | undefined> | undefined;
  // Both gauges are collected in one scrape; read the database once for them.
  const readStats = () => {
    lastStats ??= (depthSource ? depthSource() : Promise.resolve(undefined))
      .catch(() => undefined)
      .finally(() => setTimeout(() => (lastStats = undefined), 250).unref());
    return lastStats;
  };

  return {
    enqueued: new Counter({
      name: 'ownerbot_outbox_enqueued_total',
      help: 'Outbox enqueue calls, by purpose and result (created or duplicate key)',
      labelNames: ['purpose', 'result'] as const,
      registers: [registry],
    }),
    sent: new Counter({
      name: 'ownerbot_outbox_sent_total',
      help: 'Outbox entries delivered, by channel',
      labelNames: ['channel'] as const,
      registers: [registry],
    }),
    failures: new Counter({
      name: 'ownerbot_outbox_send_failures_total',
      help: 'Failed send attempts, by channel and kind (rate_limited, network, rejected, timeout, error, lease_expired, outcome_unknown)',
      labelNames: ['channel', 'kind'] as const,
      registers: [registry],
    }),
    deadLetters: new Counter({
      name: 'ownerbot_outbox_dead_letters_total',
      help: 'Outbox entries given up on, by channel',
      labelNames: ['channel'] as const,
      registers: [registry],
    }),
    depth: new Gauge({
      name: 'ownerbot_outbox_depth',
      help: 'Outbox entries by status: pending, sending, dead (those still kept for requeue)',
      labelNames: ['status'] as const,
      registers: [registry],
      async collect() {
        const stats = await readStats();
        if (!stats) return;
        for (const status of ['pending', 'sending', 'dead'] as const) this.set({ status }, stats[status]);
      },
    }),
    oldestPendingAge: new Gauge({
      name: 'ownerbot_outbox_oldest_pending_age_seconds',
      help: 'How long the most overdue pending entry has been due (0 when none is)',
      registers: [registry],
      async collect() {
        const stats = await readStats();
        if (stats) this.set(stats.oldestPendingAgeMs / 1000);
      },
    }),
    /** Where the depth gauges read from; `createOutbox` calls this when given these metrics. */
    trackDepth(source: () => Promise<OutboxStats>) {
      depthSource = source;
    },
  };
}

export type OutboxMetrics = ReturnType<typeof createOutboxMetrics>;
