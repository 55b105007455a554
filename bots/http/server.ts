import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Database } from '../../services/database/connect';
import type { Logger } from '../../services/logging/logger';
import type { Metrics } from '../../services/metrics/metrics';
import { registerHealth } from './health';
import { registerIcon } from './icon';
import { handleErrors } from './server-errors';
import { addRequestDeadline, addRequestMetrics, addSecurityHeaders, requireUtf8Json } from './server-hooks';

export { HTML_SECURITY_HEADERS } from './server-hooks';

/** Largest request body accepted anywhere; platform webhooks are far smaller. */
export const BODY_LIMIT_BYTES = 1024 * 1024;

/**
 * A POST not answered within this long gets a 503 so the platform retries later (nothing was
 * acknowledged: the store had not finished). A hung database makes the driver wait far longer.
 */
export const REQUEST_DEADLINE_MS = 10_000;

/**
 * The one HTTP server: health, metrics and every webhook and page mount here.
 * Clients never see stack traces or internal messages for server errors.
 */
export function createHttpServer(deps: {
  logger: Logger;
  metrics: Metrics;
  database: Database;
  requestDeadlineMs?: number;
  /** Proxies whose X-Forwarded-For names the client; none = the socket's address is the client's. */
  trustedProxies?: readonly string[];
}): FastifyInstance {
  const server = Fastify({
    loggerInstance: deps.logger.child({ component: 'http' }) as FastifyBaseLogger,
    // One line per request is noise at webhook rates; metrics count requests instead.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: deps.trustedProxies && deps.trustedProxies.length > 0 ? [...deps.trustedProxies] : false,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });
  addRequestDeadline(server, deps.requestDeadlineMs ?? REQUEST_DEADLINE_MS);
  addSecurityHeaders(server);
  addRequestMetrics(server, deps.metrics);
  requireUtf8Json(server);
  handleErrors(server, BODY_LIMIT_BYTES);
  registerHealth(server, deps);
  registerIcon(server);
  return server;
}
