import type { Connection } from 'mongoose';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import { createEnqueue } from './enqueue';
import type { OutboxMetrics } from './outbox-metrics';
import { outboxModels } from './outbox-model';
import { createOutboxQueries } from './outbox-queries';
import { createOutboxUpkeep, DEFAULT_RETENTION, type OutboxRetention } from './outbox-upkeep';

export type { EnqueueInput, EnqueueResult } from './enqueue';
export { isDuplicateKey } from './outbox-model';
export type { OutboxStats } from './outbox-queries';
export { DEFAULT_RETENTION, type OutboxRetention, type PurgeReport } from './outbox-upkeep';

/**
 * The outbox: every outbound message is stored under an idempotency key before anything
 * sends it. `enqueue` creates an entry at most once per key, also when several instances
 * enqueue the same key at the same moment; the dispatcher delivers it. An entry stays, as
 * the record that its key was used, until the key window (`retention.keysMs`) ends.
 */
export function createOutbox(deps: {
  connection: Connection;
  clock: Clock;
  retention?: Partial<OutboxRetention>;
  metrics?: OutboxMetrics;
}) {
  const { entries, attempts } = outboxModels(deps.connection);
  const retention: OutboxRetention = { ...DEFAULT_RETENTION, ...deps.retention };
  if (retention.keysMs < Math.max(retention.sentMs, retention.deadMs))
    throw new AppError(
      'outbox_retention_invalid',
      'retention.keysMs must be at least retention.sentMs and retention.deadMs: an entry outlives its text',
    );
  const queries = createOutboxQueries({ entries, clock: deps.clock, retention });
  deps.metrics?.trackDepth(queries.stats);
  return {
    ...createEnqueue({ entries, clock: deps.clock, metrics: deps.metrics }),
    ...queries,
    ...createOutboxUpkeep({ entries, attempts, clock: deps.clock, retention }),
  };
}

export type Outbox = ReturnType<typeof createOutbox>;
