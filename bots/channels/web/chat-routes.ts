import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Logger } from '../../../services/logging/logger';
import type { ConversationHistory } from '../../../services/messages/conversation-history';
import { mergeHistory } from './chat-history';
import { streamReplies } from './event-stream';
import { webChatPage } from './page';
import { webChatScript } from './page-script';
import type { ReplyFeed } from './reply-feed';
import type { SessionIds } from './session-ids';
import type { TranscriptStore } from './transcript-store';
import { sessionIdOf, unknownSession } from './web-answers';
import type { Refusal, WebChatGuard } from './web-limits';

/** What the web chat's routes share: the session check, the limits, and how a refusal is told. */
export interface ChatRouteDeps {
  sessionIds: SessionIds;
  guard: WebChatGuard;
  refuse: (reply: FastifyReply, refusal: Refusal, address: string) => unknown;
}

/** Lines of history the page gets by default, and at most. */
const HISTORY_LINES = 50;
const MAX_HISTORY_LINES = 200;

/** `GET /` and its script `GET /chat.js`. */
export function registerPage(server: FastifyInstance): void {
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
}

/** `POST /chat/session` issues a signed session id; `GET /chat/session` says whether one is valid. */
export function registerSessionRoutes(
  server: FastifyInstance,
  deps: ChatRouteDeps & { transcripts: TranscriptStore },
): void {
  server.post('/chat/session', async (request, reply) => {
    const refusal = deps.guard.allowSession(request.ip);
    if (refusal) return deps.refuse(reply, refusal, request.ip);
    const { sessionId, reference } = deps.sessionIds.issue();
    deps.transcripts.begin(reference);
    return { sessionId };
  });
  // Lets the page tell a refused stream of an old session from a full one (no database read).
  server.get('/chat/session', async (request, reply) =>
    deps.sessionIds.verify(sessionIdOf(request.query)) ? { valid: true } : unknownSession(reply),
  );
}

/** `GET /chat/history`: both sides of the session's conversation, newest `limit` lines. */
export function registerHistoryRoute(
  server: FastifyInstance,
  deps: { sessionIds: SessionIds; transcripts: TranscriptStore; ownerSide: ConversationHistory },
): void {
  server.get('/chat/history', async (request, reply) => {
    const session = deps.sessionIds.verify(sessionIdOf(request.query));
    if (!session) return unknownSession(reply);
    const asked = Number((request.query as { limit?: unknown }).limit);
    const limit = Number.isInteger(asked) && asked > 0 ? Math.min(asked, MAX_HISTORY_LINES) : HISTORY_LINES;
    const [owner, bot] = await Promise.all([
      deps.ownerSide.latest('web', session, limit),
      deps.transcripts.latest(session, limit),
    ]);
    return reply
      .header('cache-control', 'no-store')
      .send({ messages: mergeHistory(owner, bot, limit), lastEventId: bot.at(-1)?.seq ?? 0 });
  });
}

/** `GET /chat/events`: the session's replies as server-sent events; open streams end when the server closes. */
export function registerEventsRoute(
  server: FastifyInstance,
  deps: ChatRouteDeps & { transcripts: TranscriptStore; feed: ReplyFeed; logger: Logger },
): void {
  const open = new Set<FastifyReply>();
  server.addHook('preClose', async () => {
    for (const reply of open) reply.raw.end();
  });
  server.get('/chat/events', async (request, reply) => {
    const session = deps.sessionIds.verify(sessionIdOf(request.query));
    if (!session) return unknownSession(reply);
    const place = deps.guard.openStream(request.ip, session);
    if ('limit' in place) return deps.refuse(reply, place, request.ip);
    open.add(reply);
    await streamReplies({
      request,
      reply,
      session,
      transcripts: deps.transcripts,
      feed: deps.feed,
      logger: deps.logger,
      onClose: () => {
        open.delete(reply);
        place.release();
      },
    });
  });
}
