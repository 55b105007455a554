import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MAX_PHOTO_BYTES, type AttachmentStore } from '../../../services/attachments/attachment-store';
import { DomainError } from '../../../services/errors';
import { webChatTexts } from '../../../services/i18n/web-chat';
import { sendAttachment } from '../../http/attachments';
import type { ChatRouteDeps } from './chat-routes';
import { answer, sessionIdOf, unknownSession } from './web-answers';

/**
 * How long an upload may take: the server's usual deadline is for webhooks, and a phone on a
 * slow network needs about a minute for 8 MB.
 */
export const UPLOAD_DEADLINE_MS = 120_000;

const MAX_MB = MAX_PHOTO_BYTES / 1024 / 1024;

/**
 * `POST /chat/photos?sessionId=…` takes one photo as the raw request body (streamed, checked
 * by its first bytes and its size) and answers its id, which `POST /chat/messages` then sends
 * as `photos`. `GET /chat/photos/:id?sessionId=…` gives a session its own photos back.
 */
export function registerPhotoRoutes(
  server: FastifyInstance,
  deps: ChatRouteDeps & { attachments: AttachmentStore },
): void {
  server.register(async (scope) => {
    // Only this scope takes bodies other than JSON, as a stream: the 1 MiB limit stays for the rest.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, payload, done) => done(null, payload));

    scope.post(
      '/chat/photos',
      { config: { requestDeadlineMs: UPLOAD_DEADLINE_MS } },
      async (request, reply) => {
        const session = deps.sessionIds.verify(sessionIdOf(request.query));
        if (!session) return unknownSession(reply);
        const refusal = deps.guard.allowUpload(request.ip);
        if (refusal) return deps.refuse(reply, refusal, request.ip);
        if (Number(request.headers['content-length'] ?? 0) > MAX_PHOTO_BYTES) return tooLarge(reply);
        return upload(request, reply, deps.attachments, session);
      },
    );
  });

  server.get('/chat/photos/:id', async (request, reply) => {
    const session = deps.sessionIds.verify(sessionIdOf(request.query));
    if (!session) return unknownSession(reply);
    const record = await deps.attachments.find((request.params as { id: string }).id);
    if (!record || record.channel !== 'web' || record.conversationId !== session)
      return reply.status(404).send({ error: 'not_found', message: 'No such photo.' });
    return sendAttachment(reply, deps.attachments, record);
  });
}

const tooLarge = (reply: FastifyReply) =>
  answer(reply, 413, 'photo_too_large', webChatTexts.photoTooLarge, { max: MAX_MB });

async function upload(request: FastifyRequest, reply: FastifyReply, store: AttachmentStore, session: string) {
  const body = request.body as Readable | undefined;
  if (!body || typeof (body as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] !== 'function')
    return answer(reply, 415, 'not_a_photo', webChatTexts.notAPhoto);
  // Not destroyed when the store stops reading early (a refusal): the rest is drained, so the
  // page still gets the answer instead of a reset connection.
  const source = body.iterator({ destroyOnReturn: false });
  try {
    const stored = await store.save(source, { channel: 'web', conversationId: session });
    return reply
      .status(201)
      .send({ photoId: stored._id, contentType: stored.contentType, size: stored.size });
  } catch (error) {
    if (!body.readableEnded) body.resume();
    if (error instanceof DomainError && error.code === 'photo_too_large') return tooLarge(reply);
    if (error instanceof DomainError && error.code === 'not_a_photo')
      return answer(reply, 415, 'not_a_photo', webChatTexts.notAPhoto);
    // The page went away mid-upload: nothing was kept and nobody is left to answer.
    if (request.raw.aborted || request.raw.destroyed) return reply.status(400).send({ error: 'aborted' });
    throw error;
  }
}
