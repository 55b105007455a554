import { randomBytes } from 'node:crypto';
import type { Connection } from 'mongoose';
import type { Clock } from '../clock';
import { indexesReady } from '../database/indexes-ready';
import { DomainError } from '../errors';
import { attachmentModels, type AttachmentRecord } from './attachment-model';
import { SNIFF_BYTES, sniffImageType } from './image-type';

/** The largest photo accepted. */
export const MAX_PHOTO_BYTES = 8 * 1024 * 1024;
/** Bytes per chunk document (GridFS's size): small enough for any engine, few reads per photo. */
export const CHUNK_BYTES = 255 * 1024;

const REFERENCE_PREFIX = 'upload:';

/** The attachment reference a message carries for an upload. */
export const uploadReference = (id: string): string => `${REFERENCE_PREFIX}${id}`;

/** The upload id in an `upload:<id>` reference; undefined for any other reference (a Telegram file id). */
export function uploadIdOf(reference: string): string | undefined {
  if (!reference.startsWith(REFERENCE_PREFIX)) return undefined;
  const id = reference.slice(REFERENCE_PREFIX.length);
  return /^[A-Za-z0-9_-]{16}$/.test(id) ? id : undefined;
}

/** A photo as stored. */
export type StoredAttachment = Pick<AttachmentRecord, '_id' | 'contentType' | 'size'>;

/**
 * Photos owners upload, kept in the database in chunks (no file system to share between
 * instances). `save` checks the type by magic bytes and the size while the bytes stream in,
 * so a refused upload is never held whole in memory; refusals are `DomainError`s
 * `not_a_photo` and `photo_too_large`.
 */
export function createAttachmentStore(deps: { connection: Connection; clock: Clock }) {
  const { Attachments, Chunks } = attachmentModels(deps.connection);
  const ready = indexesReady(Attachments, Chunks);

  async function discard(id: string): Promise<void> {
    await Chunks.deleteMany({ attachmentId: id }).catch(() => undefined);
    await Attachments.deleteOne({ _id: id }).catch(() => undefined);
  }

  return {
    /** Stores the bytes of `source` as a photo of the conversation, or refuses them. */
    async save(
      source: AsyncIterable<Uint8Array>,
      owner: { channel: string; conversationId: string },
      maxBytes = MAX_PHOTO_BYTES,
    ): Promise<StoredAttachment> {
      await ready();
      const id = randomBytes(12).toString('base64url');
      const writer = chunkWriter(id, maxBytes, {
        begin: (contentType) =>
          Attachments.create({
            _id: id,
            ...owner,
            contentType,
            size: 0,
            chunks: 0,
            status: 'uploading',
            createdAt: deps.clock.now(),
          }),
        chunk: (n, data) =>
          Chunks.create({ _id: `${id}:${String(n).padStart(6, '0')}`, attachmentId: id, n, data }),
      });
      try {
        for await (const bytes of source) await writer.add(Buffer.from(bytes));
        const { contentType, size, chunks } = await writer.end();
        await Attachments.updateOne({ _id: id }, { $set: { size, chunks, status: 'stored' } });
        return { _id: id, contentType, size };
      } catch (error) {
        if (writer.begun()) await discard(id);
        throw error;
      }
    },

    /** A stored attachment's description; undefined when unknown or not finished. */
    async find(id: string): Promise<AttachmentRecord | undefined> {
      if (!/^[A-Za-z0-9_-]{16}$/.test(id)) return undefined;
      const found = await Attachments.findOne({ _id: id }).lean<AttachmentRecord>();
      return found?.status === 'stored' ? found : undefined;
    },

    /** The attachment's bytes in order, a few chunks in memory at a time. */
    async *read(id: string): AsyncGenerator<Buffer> {
      const cursor = Chunks.find({ attachmentId: id }).sort({ n: 1 }).batchSize(4).lean().cursor();
      for await (const chunk of cursor) yield toBuffer((chunk as { data: unknown }).data);
    },
  };
}

export type AttachmentStore = ReturnType<typeof createAttachmentStore>;

/**
 * Splits incoming bytes into chunks: nothing is written until the first bytes say it is a
 * photo, and the whole is refused the moment it passes `maxBytes`.
 */
function chunkWriter(
  id: string,
  maxBytes: number,
  write: { begin(contentType: string): Promise<unknown>; chunk(n: number, data: Buffer): Promise<unknown> },
) {
  let pending = Buffer.alloc(0);
  let size = 0;
  let written = 0;
  let contentType: string | undefined;

  const sniff = async () => {
    const type = sniffImageType(pending);
    if (!type) throw new DomainError('not_a_photo', `upload ${id}: not a JPEG, PNG, WebP or HEIC photo`);
    contentType = type.contentType;
    await write.begin(contentType);
  };
  const flush = async (all: boolean) => {
    while (pending.length >= CHUNK_BYTES || (all && pending.length > 0)) {
      await write.chunk(written++, pending.subarray(0, CHUNK_BYTES));
      pending = pending.subarray(Math.min(CHUNK_BYTES, pending.length));
    }
  };

  return {
    begun: () => contentType !== undefined,
    async add(bytes: Buffer): Promise<void> {
      size += bytes.length;
      if (size > maxBytes) throw new DomainError('photo_too_large', `upload ${id}: over ${maxBytes} bytes`);
      pending = Buffer.concat([pending, bytes]);
      if (!contentType && pending.length >= SNIFF_BYTES) await sniff();
      if (contentType) await flush(false);
    },
    async end(): Promise<{ contentType: string; size: number; chunks: number }> {
      if (!contentType) await sniff();
      await flush(true);
      return { contentType: contentType as string, size, chunks: written };
    },
  };
}

/** A binary field as the driver returns it (a BSON Binary, or a Buffer on some paths). */
function toBuffer(value: unknown): Buffer {
  if (Buffer.isBuffer(value)) return value;
  const binary = value as { buffer: Uint8Array; position?: number };
  return Buffer.from(binary.buffer.subarray(0, binary.position ?? binary.buffer.length));
}
