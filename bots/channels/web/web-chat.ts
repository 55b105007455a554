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
import type { WebChatLimits } from '../../../services/config/web-chat-limits';
import { webChatTexts } from '../../../services/i18n/web-chat';
import type { Logger } from '../../../services/logging/logger';
import { streamReplies } from './event-stream';
import { webChatPage, webChatScript } from './page';
import { createReplyFeed } from './reply-feed';
import type { SessionIds } from './session-ids';
import { createTranscriptStore } from './transcript-store';
import { createWebChatGuard, type Refusal } from './web-limits';

const messageBody = z.object({
  sessionId: z.string().max(100),
  clientMessageId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'clientMessageId must be 1-64 letters, digits, _ or -'),
  text: z.string().max(4000, 'a message can be at most 4,000 characters').optional(),
  action: z.string().max(100).optional(),
});

/** Both languages at once: the API does not know the reader's, the page picks its own. */
const bilingual = (text: { zh: string; en: string }) => ({
  message: `${text.zh} ${text.en}`,
  messages: text,
});

function answerRefusal(reply: FastifyReply, refusal: Refusal) {
  const text =
    refusal.limit.startsWith('streams') || refusal.limit === 'anonymous_streams'
      ? webChatTexts.tooManyStreams
      : webChatTexts.rateLimited;
  return reply
    .status(429)
    .header('retry-after', String(refusal.retryAfterSeconds))
    .send({
      error: 'rate_limited',
      limit: refusal.limit,
      retryAfterSeconds: refusal.retryAfterSeconds,
      ...bilingual(text),
    });
}

const unknownSession = (reply: FastifyReply) =>
  reply.status(401).send({ error: 'invalid_session', ...bilingual(webChatTexts.sessionUnknown) });

/**
 * The built-in web chat: the page at `/` (script at `/chat.js`), `POST /chat/session`,
 * `POST /chat/messages` and the live replies at `GET /chat/events` (server-sent events). It is
 * a channel like any other: messages go through the same inbound path, replies through the
 * same outbox. Anyone may write, so sessions are signed and traffic is limited per address.
 */
export function createWebChat(deps: {
  connection: Connection;
  clock: Clock;
  logger: Logger;
  sessionIds: SessionIds;
  limits: WebChatLimits | null;
  /** Told of every refusal by a limit (for metrics and the log). */
  onRefused?: (refusal: Refusal, address: string) => void;
}) {
  const transcripts = createTranscriptStore(deps.connection);
  const log = deps.logger.child({ channel: 'web' });
  const feed = createReplyFeed({ transcripts, clock: deps.clock, logger: log });
  const guard = createWebChatGuard(deps.limits, deps.clock);
  let onMessage: ((message: InboundMessage) => Promise<unknown>) | undefined;
  const refuse = (reply: FastifyReply, refusal: Refusal, address: string) => {
    deps.onRefused?.(refusal, address);
    return answerRefusal(reply, refusal);
  };

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
    /** `conversationId` is the session's reference (never the signed id). */
    async send(address: Address, message: OutboundMessage) {
      const session = address.conversationId;
      const id = await transcripts.append(session, message, deps.clock.now());
      feed.notify(session);
      return { platformMessageId: id };
    },
  };

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
    server.get('/chat.js', async (_request, reply) =>
      reply
        .header('content-type', 'text/javascript; charset=utf-8')
        .header('cache-control', 'no-cache')
        .send(webChatScript()),
    );

    server.post('/chat/session', async (request, reply) => {
      const refusal = guard.allowSession(request.ip);
      if (refusal) return refuse(reply, refusal, request.ip);
      return { sessionId: deps.sessionIds.issue() };
    });

    // Lets the page tell a refused stream of an old session from a full one (no database read).
    server.get('/chat/session', async (request, reply) =>
      deps.sessionIds.verify((request.query as { sessionId?: unknown }).sessionId)
        ? { valid: true }
        : unknownSession(reply),
    );

    server.post('/chat/messages', async (request, reply) => {
      const parsed = messageBody.safeParse(request.body);
      if (!parsed.success) {
        return reply
          .status(400)
          .send({ error: 'invalid_message', message: parsed.error.issues.map((i) => i.message).join('; ') });
      }
      const { sessionId, clientMessageId, text = '', action } = parsed.data;
      const session = deps.sessionIds.verify(sessionId);
      if (!session) return unknownSession(reply);
      if (text.trim() === '' && !action) {
        return reply
          .status(400)
          .send({ error: 'empty_message', message: 'Write a message or press a button.' });
      }
      const refusal = guard.allowMessage(request.ip);
      if (refusal) return refuse(reply, refusal, request.ip);
      if (!onMessage)
        return reply
          .status(503)
          .send({ error: 'not_ready', message: 'The chat is starting; try again in a moment.' });
      await onMessage({
        channel: 'web',
        platformMessageId: `${session}:${clientMessageId}`,
        conversationId: session,
        sender: { id: session },
        text: text.trim(),
        ...(action ? { action } : {}),
        attachments: [],
        receivedAt: deps.clock.now(),
      });
      return reply.status(202).send({ accepted: true });
    });

    server.get('/chat/events', async (request, reply) => {
      const session = deps.sessionIds.verify((request.query as { sessionId?: unknown }).sessionId);
      if (!session) return unknownSession(reply);
      const place = guard.openStream(request.ip, session);
      if ('limit' in place) return refuse(reply, place, request.ip);
      open.add(reply);
      await streamReplies({
        request,
        reply,
        session,
        transcripts,
        feed,
        logger: log,
        onClose: () => {
          open.delete(reply);
          place.release();
        },
      });
    });
  }

  return { adapter, routes };
}
