import type { App, Receiver, ReceiverEvent } from '@slack/bolt';
import { verifySlackRequest } from '@slack/bolt';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../../../services/clock';
import type { Logger } from '../../../services/logging/logger';
import { strictUtf8Text } from '../../http/server-hooks';
import { checkSlackBody } from './slack-payloads';

/** Slack signs each request with its time; older or newer than this is refused (a replay, a skewed sender). */
const MAX_SKEW_SECONDS = 5 * 60;

type Refusal = { status: 400 | 401; error: string; reason: string };

/** The body as Slack sent it: JSON, an interactive `payload` field, or a slash command's form fields. */
function parseBody(raw: string, form: boolean): { body: unknown; slash: boolean } | Refusal {
  try {
    if (!form) return { body: JSON.parse(raw) as unknown, slash: false };
    const params = new URLSearchParams(raw);
    const payload = params.get('payload');
    if (payload !== null) return { body: JSON.parse(payload) as unknown, slash: false };
    return { body: Object.fromEntries(params), slash: true };
  } catch {
    return { status: 400, error: 'invalid_body', reason: 'the body is not valid JSON' };
  }
}

/** The body as text (strictly decoded), where the server's own JSON parser would parse it. */
function keepBodyAsText(scope: FastifyInstance): void {
  scope.removeContentTypeParser('application/json');
  scope.addContentTypeParser(
    ['application/json', 'application/x-www-form-urlencoded'],
    { parseAs: 'buffer' },
    (_request, body, done) => {
      try {
        done(null, strictUtf8Text(body as Buffer));
      } catch (error) {
        done(error as Error, undefined);
      }
    },
  );
}

/**
 * Bolt's receiver for the staff desk, mounted on the app's own HTTP server at
 * POST /slack/events: it checks the request's age both ways and its signature, checks the
 * body's shape (400 with a logged reason, never a 500 for a malformed but signed body), then
 * hands it to Bolt, which routes it to the `app.action` / `app.view` / `app.event` listeners.
 * The answer is sent once the listeners are done, so a failure gets a 500 and Slack retries.
 */
export function createSlackReceiver(deps: { signingSecret: string; clock: Clock; logger: Logger }) {
  let app: App | undefined;
  const log = deps.logger.child({ component: 'slack-receiver' });

  function verify(request: FastifyRequest, raw: string): Refusal | undefined {
    const timestamp = Number(request.headers['x-slack-request-timestamp']);
    const now = deps.clock.now().getTime();
    if (!Number.isFinite(timestamp) || Math.abs(now / 1000 - timestamp) > MAX_SKEW_SECONDS)
      return { status: 401, error: 'stale_request', reason: 'timestamp outside the 5-minute window' };
    try {
      verifySlackRequest({
        signingSecret: deps.signingSecret,
        body: raw,
        nowMilliseconds: now,
        headers: {
          'x-slack-signature': String(request.headers['x-slack-signature'] ?? ''),
          'x-slack-request-timestamp': timestamp,
        },
      });
      return undefined;
    } catch {
      return { status: 401, error: 'invalid_signature', reason: 'signature mismatch' };
    }
  }

  async function handle(request: FastifyRequest, reply: FastifyReply) {
    const raw = typeof request.body === 'string' ? request.body : '';
    const refuse = (refusal: Refusal) => {
      log.warn({ status: refusal.status, reason: refusal.reason }, 'Slack request refused');
      return reply.status(refusal.status).send({ error: refusal.error });
    };
    const unverified = verify(request, raw);
    if (unverified) return refuse(unverified);
    const form = String(request.headers['content-type'] ?? '').includes('x-www-form-urlencoded');
    const parsed = parseBody(raw, form);
    if ('status' in parsed) return refuse(parsed);
    const checked = checkSlackBody(parsed.body, parsed.slash);
    if (checked.kind === 'malformed')
      return refuse({ status: 400, error: 'malformed_payload', reason: checked.reason });
    if (checked.kind === 'ignored' || !app) return reply.status(200).send();
    if (checked.body.type === 'url_verification') return reply.send({ challenge: checked.body.challenge });
    let answer: unknown;
    const event: ReceiverEvent = {
      body: checked.body,
      ack: async (response?: unknown) => {
        answer = response;
      },
      retryNum: Number(request.headers['x-slack-retry-num'] ?? 0) || undefined,
    };
    await app.processEvent(event);
    return answer === undefined ? reply.status(200).send() : reply.send(answer);
  }

  const receiver: Receiver & { routes(server: FastifyInstance): void } = {
    init(bolt: App) {
      app = bolt;
    },
    // The app's HTTP server runs the route; there is nothing of our own to start or stop.
    start: async () => undefined,
    stop: async () => undefined,
    /** Mounts POST /slack/events; signatures are computed over the exact bytes, so the body stays text. */
    routes(server: FastifyInstance) {
      server.register(async (scope) => {
        keepBodyAsText(scope);
        scope.post('/slack/events', handle);
      });
    },
  };
  return receiver;
}

export type SlackReceiver = ReturnType<typeof createSlackReceiver>;
