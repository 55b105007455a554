import type { FastifyInstance } from 'fastify';
import type { Database } from '../../services/database/connect';
import type { Metrics } from '../../services/metrics/metrics';

/** How long /healthz waits for the outbox gauges before leaving them out. */
const OUTBOX_READ_TIMEOUT_MS = 1000;

/**
 * /healthz and /metrics. /healthz is 503 only when the database does not answer (the one
 * thing no instance can work without); a failing channel or a late job says "degraded"
 * with 200, and names what is wrong.
 */
export function registerHealth(
  server: FastifyInstance,
  deps: { database: Database; metrics: Metrics },
): void {
  server.get('/healthz', async (_request, reply) => {
    const [ping, outbox] = await Promise.all([deps.database.ping(), outboxSummary(deps.metrics)]);
    const { channels, scheduler, degraded } = deps.metrics.health.snapshot();
    const body = {
      status: !ping.ok ? 'unavailable' : degraded ? 'degraded' : 'ok',
      database: { ok: ping.ok, engine: deps.database.engine, latencyMs: ping.latencyMs },
      channels,
      scheduler,
      ...(outbox ? { outbox } : {}),
    };
    return reply.status(ping.ok ? 200 : 503).send(body);
  });

  server.get('/metrics', async (_request, reply) => {
    const text = await deps.metrics.registry.metrics();
    return reply.type(deps.metrics.registry.contentType).send(text);
  });
}

/** The outbox gauges as /healthz shows them; undefined when the outbox is not running or the database is down. */
async function outboxSummary(
  metrics: Metrics,
): Promise<{ pending: number; sending: number; dead: number; oldestPendingAgeSeconds: number } | undefined> {
  const depth = metrics.registry.getSingleMetric('ownerbot_outbox_depth');
  const age = metrics.registry.getSingleMetric('ownerbot_outbox_oldest_pending_age_seconds');
  if (!depth || !age) return undefined;
  try {
    // The gauges read the database; a health check must not wait on a database that hangs.
    let timer: NodeJS.Timeout | undefined;
    const read = Promise.all([depth.get(), age.get()]);
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), OUTBOX_READ_TIMEOUT_MS);
    });
    const values = await Promise.race([read, timeout]).finally(() => clearTimeout(timer));
    if (!values) return undefined;
    const [depthValues, ageValues] = values;
    const of = (status: string) => depthValues.values.find((v) => v.labels.status === status)?.value;
    const pending = of('pending');
    if (pending === undefined) return undefined;
    return {
      pending,
      sending: of('sending') ?? 0,
      dead: of('dead') ?? 0,
      oldestPendingAgeSeconds: Math.round(ageValues.values[0]?.value ?? 0),
    };
  } catch {
    return undefined;
  }
}
