import type { Connection } from 'mongoose';
import type { ChannelAdapter, InboundMessage } from '../channels/types';
import { ChannelError } from '../errors';
import type { Metrics } from './metrics';

/** Open case statuses whose SLA can still be breached. */
const ACTIVE = ['new', 'claimed', 'in_progress', 'reopened'];

/** The failure kind a metric and /healthz show for a send error. */
export function failureKind(error: unknown): string {
  if (error instanceof ChannelError) {
    if (error.status === 429 || error.retryAfterSeconds !== undefined) return 'rate_limited';
    return error.kind;
  }
  return 'error';
}

/**
 * The same adapter, with every send counted (per channel and outcome), timed, and reported to
 * /healthz. The dispatcher sees exactly what the adapter does: errors are rethrown unchanged.
 */
export function instrumentAdapter(adapter: ChannelAdapter, metrics: Metrics): ChannelAdapter {
  metrics.health.channelEnabled(adapter.name);
  return {
    name: adapter.name,
    capabilities: adapter.capabilities,
    start: (onMessage) => adapter.start(onMessage),
    stop: () => adapter.stop(),
    async send(address, message) {
      const stop = metrics.sendDuration.startTimer({ channel: adapter.name });
      try {
        const result = await adapter.send(address, message);
        metrics.outbound.inc({ channel: adapter.name, outcome: 'ok' });
        metrics.health.sendSucceeded(adapter.name);
        return result;
      } catch (error) {
        const kind = failureKind(error);
        metrics.outbound.inc({ channel: adapter.name, outcome: kind });
        metrics.health.sendFailed(adapter.name, kind);
        throw error;
      } finally {
        stop();
      }
    },
  };
}

/** The inbound store, counted per channel and result; a failure (database down) is rethrown so the webhook answers 5xx. */
export function instrumentReceive(
  receive: (message: InboundMessage) => Promise<{ stored: boolean }>,
  metrics: Metrics,
): (message: InboundMessage) => Promise<void> {
  return async (message) => {
    try {
      const { stored } = await receive(message);
      metrics.inbound.inc({ channel: message.channel, result: stored ? 'stored' : 'duplicate' });
      metrics.health.received(message.channel);
    } catch (error) {
      metrics.inbound.inc({ channel: message.channel, result: 'failed' });
      throw error;
    }
  };
}

/** Open cases past a deadline, by escalation level, for `ownerbot_sla_breached_open_cases`. */
export function openSlaBreaches(connection: Connection) {
  return async (): Promise<Array<{ level: number; count: number }>> => {
    const rows = await connection
      .collection('tickets')
      .aggregate<{ _id: number; n: number }>([
        { $match: { status: { $in: ACTIVE }, escalationLevel: { $gt: 0 } } },
        { $group: { _id: '$escalationLevel', n: { $sum: 1 } } },
      ])
      .toArray();
    return rows.map((row) => ({ level: Number(row._id), count: row.n }));
  };
}
