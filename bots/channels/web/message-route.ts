import { cleanInboundText } from '../../../services/channels/inbound-text';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { uploadReference, type AttachmentStore } from '../../../services/attachments/attachment-store';
import type { InboundMessage } from '../../../services/channels/types';
import type { Clock } from '../../../services/clock';
import { webChatTexts } from '../../../services/i18n/web-chat';
import type { ChatRouteDeps } from './chat-routes';
import { answer, unknownSession } from './web-answers';

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

/**
 * `POST /chat/messages`: `{ sessionId, clientMessageId, text?, action?, photos? }`, handed to the
 * inbound path as the channel's message (202 once stored). The id pair is the message's
 * platform id, so a page's retry of a message that arrived is stored once. Photos must have
 * been uploaded in the same session.
 */
export function registerMessageRoute(
  server: FastifyInstance,
  deps: ChatRouteDeps & {
    attachments: AttachmentStore;
    clock: Clock;
    /** The inbound path, once the adapter is started. */
    receiver: () => ((message: InboundMessage) => Promise<unknown>) | undefined;
  },
): void {
  async function photosOf(
    session: string,
    ids: string[],
  ): Promise<InboundMessage['attachments'] | undefined> {
    const found = await Promise.all(ids.map((id) => deps.attachments.find(id)));
    if (found.some((record) => !record || record.channel !== 'web' || record.conversationId !== session))
      return undefined;
    return ids.map((id) => ({ kind: 'photo', reference: uploadReference(id) }));
  }

  server.post('/chat/messages', async (request, reply) => {
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
    const refusal = deps.guard.allowMessage(request.ip);
    if (refusal) return deps.refuse(reply, refusal, request.ip);
    const receive = deps.receiver();
    if (!receive) return answer(reply, 503, 'not_ready', webChatTexts.notReady);
    const attachments = await photosOf(session, photos);
    if (!attachments) return answer(reply, 400, 'unknown_photo', webChatTexts.photoUnknown);
    await receive({
      channel: 'web',
      platformMessageId: `${session}:${clientMessageId}`,
      conversationId: session,
      sender: { id: session },
      text: cleanInboundText(text.trim()),
      ...(action ? { action } : {}),
      attachments,
      receivedAt: deps.clock.now(),
      clientAddress: request.ip,
    });
    return reply.status(202).send({ accepted: true });
  });
}
