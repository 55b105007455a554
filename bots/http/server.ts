import { Readable } from 'node:stream';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Database } from '../../services/database/connect';
import type { Logger } from '../../services/logging/logger';
import type { Metrics } from '../../services/metrics/metrics';

/** Largest request body accepted anywhere; platform webhooks are far smaller. */
export const BODY_LIMIT_BYTES = 1024 * 1024;

/**
 * A POST not answered within this long gets a 503 so the platform retries later (nothing was
 * acknowledged: the store had not finished). A hung database makes the driver wait far longer.
 */
export const REQUEST_DEADLINE_MS = 10_000;

/**
 * Headers on every HTML page. Scripts come only from this origin (no inline scripts, so an
 * injected one would not run); inline styles stay allowed (the pages carry their own CSS).
 */
export const HTML_SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'",
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
};

/** Fastify's own client errors, in words a client can act on (the codes are Fastify's). */
const CLIENT_ERRORS: Record<string, { error: string; message: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: {
    error: 'body_too_large',
    message: `The request body is larger than ${BODY_LIMIT_BYTES / 1024 / 1024} MiB.`,
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    error: 'unsupported_media_type',
    message: 'This content type is not accepted here; send JSON.',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: { error: 'invalid_json', message: 'The JSON body is empty.' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    error: 'invalid_content_length',
    message: 'Content-Length does not match the body.',
  },
  FST_ERR_CTP_INVALID_JSON_BODY: { error: 'invalid_json', message: 'The body is not valid JSON.' },
  invalid_utf8: { error: 'invalid_utf8', message: 'The request body is not valid UTF-8.' },
};

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

  const defaultDeadlineMs = deps.requestDeadlineMs ?? REQUEST_DEADLINE_MS;
  server.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'POST') return;
    // A route that takes large bodies (photo uploads) names its own deadline in its config.
    const routeDeadline = (request.routeOptions.config as { requestDeadlineMs?: number }).requestDeadlineMs;
    const deadlineMs = routeDeadline ?? defaultDeadlineMs;
    const timer = setTimeout(() => {
      if (reply.sent || reply.raw.headersSent) return;
      request.log.warn(
        { url: request.url.split('?')[0] },
        'Request not answered in time; 503 so the sender retries',
      );
      void reply.status(503).send({
        error: 'unavailable',
        message: 'Not answered in time (is the database reachable?); nothing was accepted, retry later.',
      });
    }, deadlineMs);
    timer.unref();
    reply.raw.once('close', () => clearTimeout(timer));
  });

  // Every page: no framing by other sites, no inline or foreign scripts, no referrer leaks.
  server.addHook('onSend', async (_request, reply, payload) => {
    const type = String(reply.getHeader('content-type') ?? '');
    if (type.startsWith('text/html')) {
      for (const [name, value] of Object.entries(HTML_SECURITY_HEADERS)) reply.header(name, value);
    }
    reply.header('x-content-type-options', 'nosniff');
    return payload;
  });

  server.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    deps.metrics.httpRequests.inc({ route, status: String(reply.statusCode) });
    deps.metrics.httpDuration.observe({ route }, reply.elapsedTime / 1000);
  });

  // JSON bodies must be valid UTF-8: the decoder behind every JSON parser (ours and the
  // Slack desk's) silently swaps bad bytes for U+FFFD, which would store text the owner never
  // wrote. Checked while streaming (lazily, once Fastify reads), so the body limit still holds.
  server.addHook('preParsing', async (request, _reply, payload) => {
    if (!/^application\/json/i.test(request.headers['content-type'] ?? '')) return payload;
    const checked = Readable.from(strictUtf8(payload), { objectMode: false });
    // Fastify stops listening once a body is too large; a later error must not go unheard.
    checked.on('error', () => undefined);
    return checked;
  });

  server.setErrorHandler((error: { statusCode?: number; message: string; code?: string }, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) {
      // The path only: query strings carry web chat session ids, which are never logged.
      request.log.error({ err: error, url: request.url.split('?')[0] }, 'Request failed');
      return reply
        .status(status)
        .send({ error: 'internal_error', message: 'Something went wrong on our side.' });
    }
    const known = error.code ? CLIENT_ERRORS[error.code] : undefined;
    if (known) return reply.status(status).send(known);
    return reply.status(status).send({ error: error.code ?? 'bad_request', message: error.message });
  });

  server.setNotFoundHandler((_request, reply) =>
    reply.status(404).send({ error: 'not_found', message: 'Not found.' }),
  );

  // 503 only when the database does not answer (the one thing no instance can work without);
  // a failing channel or a late job says "degraded" with 200, and names what is wrong.
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

  return server;
}

/** Passes the bytes through, failing with a 400 `invalid_utf8` error at the first malformed sequence. */
async function* strictUtf8(source: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const invalid = () =>
    Object.assign(new Error('The request body is not valid UTF-8.'), {
      statusCode: 400,
      code: 'invalid_utf8',
    });
  for await (const chunk of source) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    try {
      decoder.decode(bytes, { stream: true });
    } catch {
      throw invalid();
    }
    yield bytes;
  }
  try {
    decoder.decode();
  } catch {
    throw invalid();
  }
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
      timer = setTimeout(() => resolve(undefined), 1000);
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
