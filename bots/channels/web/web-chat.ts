import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Connection } from 'mongoose';
import { z } from 'zod';
import { uploadReference, type AttachmentStore } from '../../../services/attachments/attachment-store';
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
import { createConversationHistory } from '../../../services/messages/conversation-history';
import { mergeHistory } from './chat-history';
import { streamReplies } from './event-stream';
import { webChatPage } from './page';
import { webChatScript } from './page-script';
import { registerPhotoRoutes } from './photo-routes';
import { createReplyFeed } from './reply-feed';
import type { SessionIds } from './session-ids';
import { createTranscriptStore } from './transcript-store';
import { answer, answerRefusal, sessionIdOf, unknownSession } from './web-answers';
import { createWebChatGuard, type Refusal } from './web-limits';

const uploadId = z.string().regex(/^[A-Za-z0-9_-]{16}$/, 'photos are ids from POST /chat/photos');

const messageBody = z.object({
  sessionId: z.string().max(100),
  clientMessageId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'clientMessageId must be 1-64 letters, digits, _ or -'),
  text: z.string().max(4000, 'a message can be at most 4,000 characters').optional(),
  action: z.string().max(100).optional(),
  photos: z.array(uploadId).max(4, 'at most 4 photos per message').optional(),
});

/** Lines of history the page asks for by default, and at most. */
const HISTORY_LINES = 50;
const MAX_HISTORY_LINES = 200;

/**
 * The built-in web chat: the page at `/` (script at `/chat.js`), `POST /chat/session`,
 * `POST /chat/messages`, `POST /chat/photos`, both sides of the conversation at
 * `GET /chat/history` and the live replies at `GET /chat/events` (server-sent events). It is
 * a channel like any other: messages go through the same inbound path, replies through the
 * same outbox. Anyone may write, so sessions are signed and traffic is limited per address.
 */
export function createWebChat(deps: {
  connection: Connection;
  clock: Clock;
  logger: Logger;
  sessionIds: SessionIds;
  limits: WebChatLimits | null;
  /** Where uploaded photos are kept (staff see them through the desk). */
  attachments: AttachmentStore;
  /** Told of every refusal by a limit (for metrics and the log). */
  onRefused?: (refusal: Refusal, address: string) => void;
}) {
  const transcripts = createTranscriptStore(deps.connection);
  const ownerSide = createConversationHistory({ connection: deps.connection });
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

  /** The photos, when every one was uploaded in this session; undefined otherwise. */
  async function photosOf(
    session: string,
    ids: string[],
  ): Promise<InboundMessage['attachments'] | undefined> {
    const found = await Promise.all(ids.map((id) => deps.attachments.find(id)));
    if (found.some((record) => !record || record.channel !== 'web' || record.conversationId !== session))
      return undefined;
    return ids.map((id) => ({ kind: 'photo', reference: uploadReference(id) }));
  }

  async function receiveMessage(request: { body: unknown; ip: string }, reply: FastifyReply) {
    const parsed = messageBody.safeParse(request.body);
    if (!parsed.success) {
      return reply
        .status(400)
        .send({ error: 'invalid_message', message: parsed.error.issues.map((i) => i.message).join('; ') });
    }
    const { sessionId, clientMessageId, text = '', action, photos = [] } = parsed.data;
    const session = deps.sessionIds.verify(sessionId);
    if (!session) return unknownSession(reply);
    if (text.trim() === '' && !action && photos.length === 0)
      return answer(reply, 400, 'empty_message', webChatTexts.emptyMessage);
    const refusal = guard.allowMessage(request.ip);
    if (refusal) return refuse(reply, refusal, request.ip);
    if (!onMessage) return answer(reply, 503, 'not_ready', webChatTexts.notReady);
    const attachments = await photosOf(session, photos);
    if (!attachments) return answer(reply, 400, 'unknown_photo', webChatTexts.photoUnknown);
    await onMessage({
      channel: 'web',
      platformMessageId: `${session}:${clientMessageId}`,
      conversationId: session,
      sender: { id: session },
      text: text.trim(),
      ...(action ? { action } : {}),
      attachments,
      receivedAt: deps.clock.now(),
    });
    return reply.status(202).send({ accepted: true });
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
      deps.sessionIds.verify(sessionIdOf(request.query)) ? { valid: true } : unknownSession(reply),
    );

    server.post('/chat/messages', (request, reply) => receiveMessage(request, reply));

    server.get('/chat/history', async (request, reply) => {
      const session = deps.sessionIds.verify(sessionIdOf(request.query));
      if (!session) return unknownSession(reply);
      const asked = Number((request.query as { limit?: unknown }).limit);
      const limit = Number.isInteger(asked) && asked > 0 ? Math.min(asked, MAX_HISTORY_LINES) : HISTORY_LINES;
      const [owner, bot] = await Promise.all([
        ownerSide.latest('web', session, limit),
        transcripts.latest(session, limit),
      ]);
      return reply
        .header('cache-control', 'no-store')
        .send({ messages: mergeHistory(owner, bot, limit), lastEventId: bot.at(-1)?.seq ?? 0 });
    });

    registerPhotoRoutes(server, {
      sessionIds: deps.sessionIds,
      attachments: deps.attachments,
      guard,
      refuse,
    });

    server.get('/chat/events', async (request, reply) => {
      const session = deps.sessionIds.verify(sessionIdOf(request.query));
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
