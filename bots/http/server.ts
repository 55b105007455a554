import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Database } from '../../services/database/connect';
import type { Logger } from '../../services/logging/logger';
import type { Metrics } from '../../services/metrics/metrics';

/** Largest request body accepted anywhere; platform webhooks are far smaller. */
export const BODY_LIMIT_BYTES = 1024 * 1024;

/**
 * The one HTTP server: health, metrics and every webhook and page mount here.
 * Clients never see stack traces or internal messages for server errors.
 */
export function createHttpServer(deps: {
  logger: Logger;
  metrics: Metrics;
  database: Database;
}): FastifyInstance {
  const server = Fastify({
    loggerInstance: deps.logger.child({ component: 'http' }) as FastifyBaseLogger,
    // One line per request is noise at webhook rates; metrics count requests instead.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: true,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });

  server.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    deps.metrics.httpRequests.inc({ route, status: String(reply.statusCode) });
    deps.metrics.httpDuration.observe({ route }, reply.elapsedTime / 1000);
  });

  server.setErrorHandler((error: { statusCode?: number; message: string; code?: string }, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) {
      request.log.error({ err: error, url: request.url }, 'Request failed');
      return reply
        .status(status)
        .send({ error: 'internal_error', message: 'Something went wrong on our side.' });
    }
    return reply.status(status).send({ error: error.code ?? 'bad_request', message: error.message });
  });

  server.setNotFoundHandler((_request, reply) =>
    reply.status(404).send({ error: 'not_found', message: 'Not found.' }),
  );

  server.get('/healthz', async (_request, reply) => {
    const ping = await deps.database.ping();
    const body = {
      status: ping.ok ? 'ok' : 'unavailable',
      database: { ok: ping.ok, engine: deps.database.engine, latencyMs: ping.latencyMs },
    };
    return reply.status(ping.ok ? 200 : 503).send(body);
  });

  server.get('/metrics', async (_request, reply) => {
    const text = await deps.metrics.registry.metrics();
    return reply.type(deps.metrics.registry.contentType).send(text);
  });

  return server;
}
