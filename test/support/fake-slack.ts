import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SlackCall {
  method: string;
  params: Record<string, unknown>;
  at: number;
  /** The message timestamp handed out (chat.postMessage, chat.update). */
  ts?: string;
}

/**
 * A local stand-in for the Slack Web API on loopback: `POST /api/<method>` with form-encoded
 * or JSON bodies, answering `{ ok: true, ... }` or `{ ok: false, error }`, handing out message
 * timestamps, and answering 429 with `Retry-After` (or an HTTP 5xx) when told to.
 */
/** Form fields holding blocks or views are JSON; a text that merely starts with "[" stays text. */
function jsonOrText(value: string): unknown {
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

export async function startFakeSlack() {
  const calls: SlackCall[] = [];
  const failures: Array<{ status: number; error?: string; retryAfter?: number }> = [];
  let seq = 0;

  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const method = /^\/api\/([\w.]+)/.exec(request.url ?? '')?.[1] ?? '';
      const type = request.headers['content-type'] ?? '';
      let params: Record<string, unknown> = {};
      if (type.includes('application/json'))
        params = body ? (JSON.parse(body) as Record<string, unknown>) : {};
      else {
        for (const [key, value] of new URLSearchParams(body)) {
          params[key] = /^[[{]/.test(value) ? jsonOrText(value) : value;
        }
      }
      const call: SlackCall = { method, params, at: Date.now() };
      calls.push(call);
      const answer = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
        response.writeHead(status, { 'content-type': 'application/json', ...headers });
        response.end(JSON.stringify(payload));
      };
      const failure = method === 'chat.postMessage' ? failures.shift() : undefined;
      if (failure?.status === 429)
        return answer(
          429,
          { ok: false, error: 'ratelimited' },
          { 'retry-after': String(failure.retryAfter ?? 1) },
        );
      if (failure && failure.status >= 500)
        return answer(failure.status, { ok: false, error: 'internal_error' });
      if (failure) return answer(200, { ok: false, error: failure.error ?? 'internal_error' });
      if (method === 'auth.test')
        return answer(200, { ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T1' });
      if (method === 'chat.postMessage' || method === 'chat.update') {
        const ts =
          method === 'chat.update' ? String(params.ts) : `1700000000.${String(++seq).padStart(6, '0')}`;
        call.ts = ts;
        return answer(200, { ok: true, channel: params.channel, ts, message: { text: params.text, ts } });
      }
      return answer(200, { ok: true });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    apiUrl: `http://127.0.0.1:${port}/api/`,
    calls,
    posts: (channel?: string) =>
      calls.filter(
        (c) => c.method === 'chat.postMessage' && (channel === undefined || c.params.channel === channel),
      ),
    failNextPost(failure: { status: number; error?: string; retryAfter?: number }) {
      failures.push(failure);
    },
    async waitFor(predicate: () => boolean, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate()) {
        if (Date.now() > deadline)
          throw new Error('the fake Slack server did not see what was expected in time');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type FakeSlack = Awaited<ReturnType<typeof startFakeSlack>>;
