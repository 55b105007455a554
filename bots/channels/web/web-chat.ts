import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Connection } from 'mongoose';
import { z } from 'zod';
import type {
  Address,
  ChannelAdapter,
  InboundMessage,
  OutboundMessage,
} from '../../../services/channels/types';
import type { Clock } from '../../../services/clock';
import type { Logger } from '../../../services/logging/logger';
import { webChatPage } from './page';
import { createReplyFeed } from './reply-feed';
import { createTranscriptStore } from './transcript-store';

/** An idle event stream gets a comment line this often. */
const KEEP_ALIVE_MS = 25_000;

const SESSION_ID = /^[A-Za-z0-9_-]{22,64}$/;
const messageBody = z.object({
  sessionId: z.string().regex(SESSION_ID, 'sessionId must come from POST /chat/session'),
  clientMessageId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'clientMessageId must be 1-64 letters, digits, _ or -'),
  text: z.string().max(4000, 'a message can be at most 4,000 characters').optional(),
  action: z.string().max(100).optional(),
});

/**
 * The built-in web chat: the page at `/`, `POST /chat/session`, `POST /chat/messages` and
 * the live replies at `GET /chat/events` (server-sent events). It is a channel like any
 * other: messages go through the same inbound path, replies through the same outbox.
 */
export function createWebChat(deps: { connection: Connection; clock: Clock; logger: Logger }) {
  const transcripts = createTranscriptStore(deps.connection);
  const log = deps.logger.child({ channel: 'web' });
  const feed = createReplyFeed({ transcripts, clock: deps.clock, logger: log });
  let onMessage: ((message: InboundMessage) => Promise<unknown>) | undefined;

  const adapter: ChannelAdapter = {
    name: 'web',
    capabilities: { buttons: true, threads: false, markup: false, maxTextLength: 4000 },
    async start(handler) {
      onMessage = handler;
    },
    async stop() {
      onMessage = undefined;
      feed.stop();
    },
    async send(address: Address, message: OutboundMessage) {
      const sessionId = address.conversationId;
      const id = await transcripts.append(sessionId, message, deps.clock.now());
      feed.notify(sessionId);
      return { platformMessageId: id };
    },
  };

  async function replay(reply: FastifyReply, sessionId: string, after: number): Promise<number> {
    for (const record of await transcripts.after(sessionId, after)) {
      reply.raw.write(
        `id: ${record.seq}\nevent: message\ndata: ${JSON.stringify({ text: record.text, buttons: record.buttons })}\n\n`,
      );
      after = record.seq;
    }
    return after;
  }

  function routes(server: FastifyInstance): void {
    const open = new Set<FastifyReply>();
    server.addHook('preClose', async () => {
      for (const reply of open) reply.raw.end();
    });

    server.get('/', async (_request, reply) =>
      reply
        .header('content-type', 'text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(webChatPage()),
    );

    server.post('/chat/session', async () => ({ sessionId: randomBytes(18).toString('base64url') }));

    server.post('/chat/messages', async (request, reply) => {
      const parsed = messageBody.safeParse(request.body);
      if (!parsed.success) {
        return reply
          .status(400)
          .send({ error: 'invalid_message', message: parsed.error.issues.map((i) => i.message).join('; ') });
      }
      const { sessionId, clientMessageId, text = '', action } = parsed.data;
      if (text.trim() === '' && !action) {
        return reply
          .status(400)
          .send({ error: 'empty_message', message: 'Write a message or press a button.' });
      }
      if (!onMessage)
        return reply
          .status(503)
          .send({ error: 'not_ready', message: 'The chat is starting; try again in a moment.' });
      await onMessage({
        channel: 'web',
        platformMessageId: `${sessionId}:${clientMessageId}`,
        conversationId: sessionId,
        sender: { id: sessionId },
        text: text.trim(),
        ...(action ? { action } : {}),
        attachments: [],
        receivedAt: deps.clock.now(),
      });
      return reply.status(202).send({ accepted: true });
    });

    server.get('/chat/events', async (request, reply) => {
      const query = request.query as { sessionId?: string };
      const sessionId = query.sessionId ?? '';
      if (!SESSION_ID.test(sessionId)) return reply.status(400).send({ error: 'invalid_session' });
      const lastSeen = Number(request.headers['last-event-id'] ?? 0);
      reply.hijack();
      reply.raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      reply.raw.write(': connected\n\n');
      open.add(reply);
      let after = Number.isInteger(lastSeen) && lastSeen > 0 ? lastSeen : 0;
      // Woken by the reply feed; `pending` keeps a wake that came while the replay ran.
      let pending = true;
      let wake: (() => void) | undefined;
      let closed = false;
      const unsubscribe = feed.subscribe(sessionId, () => {
        pending = true;
        wake?.();
      });
      request.raw.on('close', () => {
        closed = true;
        unsubscribe();
        open.delete(reply);
        wake?.();
      });
      try {
        while (!closed && !reply.raw.writableEnded) {
          if (pending) {
            pending = false;
            after = await replay(reply, sessionId, after);
            continue;
          }
          await new Promise<void>((resolve) => {
            // A comment line now and then keeps proxies from closing an idle stream.
            const timer = setTimeout(() => {
              if (!closed) reply.raw.write(': keep-alive\n\n');
              resolve();
            }, KEEP_ALIVE_MS);
            timer.unref();
            wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
          wake = undefined;
        }
      } catch (error) {
        log.warn({ err: error }, 'Web chat event stream ended on an error');
        reply.raw.end();
      }
    });
  }

  return { adapter, routes };
}
