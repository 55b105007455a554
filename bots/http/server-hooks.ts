import { isUtf8 } from 'node:buffer';
import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../../services/metrics/metrics';

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

/**
 * A POST not answered within `defaultMs` (or its route's `requestDeadlineMs`) gets a 503,
 * so the platform retries later: nothing was acknowledged, the store had not finished.
 */
export function addRequestDeadline(server: FastifyInstance, defaultMs: number): void {
  server.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'POST') return;
    // A route that takes large bodies (photo uploads) names its own deadline in its config.
    const routeDeadline = (request.routeOptions.config as { requestDeadlineMs?: number }).requestDeadlineMs;
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
    }, routeDeadline ?? defaultMs);
    timer.unref();
    reply.raw.once('close', () => clearTimeout(timer));
  });
}

/** Every page: no framing by other sites, no inline or foreign scripts, no referrer leaks, no sniffing. */
export function addSecurityHeaders(server: FastifyInstance): void {
  server.addHook('onSend', async (_request, reply, payload) => {
    const type = String(reply.getHeader('content-type') ?? '');
    if (type.startsWith('text/html')) {
      for (const [name, value] of Object.entries(HTML_SECURITY_HEADERS)) reply.header(name, value);
    }
    reply.header('x-content-type-options', 'nosniff');
    return payload;
  });
}

/** Counts every request and its duration by route and status for /metrics. */
export function addRequestMetrics(server: FastifyInstance, metrics: Metrics): void {
  server.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpRequests.inc({ route, status: String(reply.statusCode) });
    metrics.httpDuration.observe({ route }, reply.elapsedTime / 1000);
  });
}

/**
 * JSON bodies must be valid UTF-8: decoding silently swaps bad bytes for U+FFFD, which would
 * store text the owner never wrote. The body is read as bytes (the body limit still holds),
 * checked, then parsed by Fastify's own JSON parser, which refuses prototype poisoning.
 */
export function requireUtf8Json(server: FastifyInstance): void {
  const parseJson = server.getDefaultJsonParser('error', 'ignore');
  server.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    let text: string;
    try {
      text = strictUtf8Text(body as Buffer);
    } catch (error) {
      return done(error as Error, undefined);
    }
    parseJson(request, text, done);
  });
}

/** The bytes as text, or a 400 `invalid_utf8` error at any malformed sequence. */
export function strictUtf8Text(bytes: Buffer): string {
  if (!isUtf8(bytes))
    throw Object.assign(new Error('The request body is not valid UTF-8.'), {
      statusCode: 400,
      code: 'invalid_utf8',
    });
  return bytes.toString('utf8');
}
