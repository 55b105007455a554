import pino from 'pino';
import { ICON_LINK } from '../../../bots/http/icon';
import { createHttpServer } from '../../../bots/http/server';
import { createMetrics } from '../../../services/metrics/metrics';
import { useTestDatabase } from '../../support/database';

const database = useTestDatabase();

function buildServer() {
  const server = createHttpServer({
    logger: pino({ level: 'silent' }),
    metrics: createMetrics(),
    database: database(),
  });
  server.post('/echo-size', async (request) => ({ bytes: JSON.stringify(request.body).length }));
  server.get('/explode', async () => {
    throw new Error('secret internal detail at /srv/app/x.ts:12');
  });
  return server;
}

describe('HTTP server', () => {
  it('when the database answers, then /healthz reports it with latency', async () => {
    const server = buildServer();
    const response = await server.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
    const body = response.json<{
      status: string;
      database: { ok: boolean; engine: string; latencyMs: number };
    }>();
    expect(body.status).toBe('ok');
    expect(body.database.ok).toBe(true);
    expect(typeof body.database.latencyMs).toBe('number');
    await server.close();
  });

  it('when /metrics is scraped, then Prometheus text with process metrics and request counts comes back', async () => {
    const server = buildServer();
    await server.inject({ method: 'GET', url: '/healthz' });
    const response = await server.inject({ method: 'GET', url: '/metrics' });
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    expect(response.body).toContain('process_cpu_user_seconds_total');
    expect(response.body).toMatch(/ownerbot_http_requests_total\{route="\/healthz",status="200"\} 1/);
    await server.close();
  });

  it('when a browser asks for /favicon.ico, then it gets the icon the pages carry, cacheable', async () => {
    const server = buildServer();
    const response = await server.inject({ method: 'GET', url: '/favicon.ico' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(response.headers['cache-control']).toContain('max-age=');
    expect(ICON_LINK).toContain(encodeURIComponent(response.body));
    await server.close();
  });

  it('when a handler fails, then the client gets a generic 500 without internals', async () => {
    const server = buildServer();
    const response = await server.inject({ method: 'GET', url: '/explode' });
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('secret internal detail');
    expect(response.json()).toEqual({
      error: 'internal_error',
      message: 'Something went wrong on our side.',
    });
    await server.close();
  });

  it('when a body is larger than the limit or not JSON, then it is refused with a 4xx', async () => {
    const server = buildServer();
    const big = await server.inject({
      method: 'POST',
      url: '/echo-size',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ text: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expect(big.statusCode).toBe(413);
    const broken = await server.inject({
      method: 'POST',
      url: '/echo-size',
      headers: { 'content-type': 'application/json' },
      payload: '{"text": ',
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.body).not.toMatch(/\n\s+at /);
    await server.close();
  });

  it('when a POST outlives the deadline, then 503; when its route names a longer deadline, then it is answered', async () => {
    const server = createHttpServer({
      logger: pino({ level: 'silent' }),
      metrics: createMetrics(),
      database: database(),
      requestDeadlineMs: 20,
    });
    const slow = () => new Promise((resolve) => setTimeout(() => resolve({ done: true }), 200));
    server.post('/slow', slow);
    server.post('/slow-upload', { config: { requestDeadlineMs: 5_000 } }, slow);
    expect((await server.inject({ method: 'POST', url: '/slow' })).statusCode).toBe(503);
    const upload = await server.inject({ method: 'POST', url: '/slow-upload' });
    expect(upload.statusCode).toBe(200);
    expect(upload.json()).toEqual({ done: true });
    await server.close();
  });
});
