import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Connection } from 'mongoose';
import type { AttachmentStore } from '../../../services/attachments/attachment-store';
import type {
  Address,
  ChannelAdapter,
  InboundMessage,
  OutboundMessage,
} from '../../../services/channels/types';
import type { Clock } from '../../../services/clock';
import type { WebChatLimits } from '../../../services/config/web-chat-limits';
import type { Logger } from '../../../services/logging/logger';
import { createConversationHistory } from '../../../services/messages/conversation-history';
import {
  registerEventsRoute,
  registerHistoryRoute,
  registerPage,
  registerSessionRoutes,
} from './chat-routes';
import { registerMessageRoute } from './message-route';
import { registerPhotoRoutes } from './photo-routes';
import { createReplyFeed } from './reply-feed';
import type { SessionIds } from './session-ids';
import { createTranscriptStore } from './transcript-store';
import { answerRefusal } from './web-answers';
import { createWebChatGuard, type Refusal } from './web-limits';

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
    capabilities: {
      buttons: true,
      threads: false,
      markup: false,
      maxTextLength: 4000,
      idempotentSends: true,
      local: true,
    },
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
      const delivery = message.delivery ? `${message.delivery.key}#${message.delivery.part}` : '';
      const { id, written } = await transcripts.append(session, message, deps.clock.now(), delivery);
      feed.notify(session, written);
      return { platformMessageId: id };
    },
  };

  function routes(server: FastifyInstance): void {
    const shared = { sessionIds: deps.sessionIds, guard, refuse };
    registerPage(server);
    registerSessionRoutes(server, { ...shared, transcripts });
    registerMessageRoute(server, {
      ...shared,
      attachments: deps.attachments,
      clock: deps.clock,
      receiver: () => onMessage,
    });
    registerPhotoRoutes(server, { ...shared, attachments: deps.attachments });
    registerHistoryRoute(server, { sessionIds: deps.sessionIds, transcripts, ownerSide });
    registerEventsRoute(server, { ...shared, transcripts, feed, logger: log });
  }

  return { adapter, routes };
}
