import type { Connection } from 'mongoose';
import { outboxModels, type OutboxRecord } from '../../services/outbox/outbox-model';

/**
 * How many outbox entries match a filter, pending, dead or sent. A sent entry moves from
 * `outbox` to `outbox_sent` under the same `_id` (its copy is written before it leaves), so
 * reading `outbox` first and `outbox_sent` second, then counting distinct ids, neither
 * misses nor double-counts an entry the dispatcher moves meanwhile.
 */
export async function countOutboxEntries(
  connection: Connection,
  filter: Record<string, unknown>,
): Promise<number> {
  const { entries, sent } = outboxModels(connection);
  const live = await entries.find(filter as Partial<OutboxRecord>, { _id: 1 }).lean();
  const done = await sent.find(filter as Partial<OutboxRecord>, { _id: 1 }).lean();
  return new Set([...live, ...done].map((entry) => String(entry._id))).size;
}
