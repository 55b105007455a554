import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { uploadIdOf, type AttachmentStore } from '../../services/attachments/attachment-store';
import type { AttachmentRecord } from '../../services/attachments/attachment-model';
import type { AdminAccess } from './admin-access';
import type { AttachmentSource } from './desk-context';

/** Types a stored photo may be served as; anything else goes out as plain bytes. */
const SERVABLE = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/heic']);

/**
 * Where staff see an attachment: `/attachments/<id>` for a web chat upload (`upload:<id>`),
 * undefined for references ownerbot holds no bytes of (Telegram file ids, WeChat messages).
 */
export function attachmentUrl(reference: string): string | undefined {
  const id = uploadIdOf(reference);
  return id ? `/attachments/${id}` : undefined;
}

/**
 * Sends a stored photo so a browser shows it and never runs it: the type found by its magic
 * bytes, `nosniff`, inline, and a sandboxing policy in case it is opened on its own.
 */
export function sendAttachment(reply: FastifyReply, store: AttachmentStore, record: AttachmentRecord) {
  const type = SERVABLE.has(record.contentType) ? record.contentType : 'application/octet-stream';
  const extension =
    type === 'application/octet-stream' ? 'bin' : type.slice('image/'.length).replace('jpeg', 'jpg');
  return reply
    .header('content-type', type)
    .header('content-length', String(record.size))
    .header('content-disposition', `inline; filename="photo-${record._id}.${extension}"`)
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "default-src 'none'; sandbox")
    .header('cross-origin-resource-policy', 'same-origin')
    .header('cache-control', 'private, max-age=86400')
    .send(Readable.from(store.read(record._id)));
}

/** `GET /attachments/:id`: an owner's photo, for signed-in staff only (the desk shows it inline). */
export function registerAttachments(
  server: FastifyInstance,
  deps: { access: AdminAccess; attachments: AttachmentStore },
): void {
  server.register(async (scope) => {
    scope.addHook('preHandler', deps.access.requireSignIn('Attachments · 附件', 'ownerbot desk'));
    scope.get('/attachments/:id', async (request, reply) => {
      const record = await deps.attachments.find((request.params as { id: string }).id);
      if (!record) return reply.status(404).send({ error: 'not_found', message: 'No such attachment.' });
      return sendAttachment(reply, deps.attachments, record);
    });
  });
}

/**
 * Photos the desk can show, from wherever they are kept: web chat uploads in the database
 * (`upload:<id>`), and a platform's own files through `platform` (Telegram's getFile).
 */
export function deskPhotoSource(
  store: AttachmentStore,
  platform: AttachmentSource | undefined,
): AttachmentSource {
  return {
    supports: (channel) => channel === 'web' || (platform?.supports(channel) ?? false),
    async fetch(channel, reference) {
      const id = uploadIdOf(reference);
      if (!id) return platform?.fetch(channel, reference);
      const record = await store.find(id);
      if (!record) return undefined;
      const chunks: Buffer[] = [];
      for await (const chunk of store.read(id)) chunks.push(chunk);
      return { contentType: record.contentType, body: Buffer.concat(chunks) };
    },
  };
}
