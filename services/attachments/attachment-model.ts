import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from '../database/model';

/** An uploaded file's description; its bytes are in `attachment_chunks`. */
export interface AttachmentRecord {
  /** Random and unguessable; the message's attachment reference is `upload:<id>`. */
  _id: string;
  /** Where it was sent from: the web chat and the session's reference (never the signed id). */
  channel: string;
  conversationId: string;
  contentType: string;
  size: number;
  chunks: number;
  /** `uploading` until every chunk is written: only `stored` ones are served. */
  status: 'uploading' | 'stored';
  createdAt: Date;
}

/** One piece of a file, well below MongoDB's 16 MB document limit on either engine. */
export interface AttachmentChunkRecord {
  _id: string; // `<attachment id>:<n padded>`
  attachmentId: string;
  n: number;
  data: Buffer;
}

const attachmentSchema = new Schema<AttachmentRecord>(
  {
    _id: { type: String, required: true },
    channel: { type: String, required: true },
    conversationId: { type: String, required: true },
    contentType: { type: String, required: true },
    size: { type: Number, required: true },
    chunks: { type: Number, required: true },
    status: { type: String, required: true, enum: ['uploading', 'stored'] },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);
attachmentSchema.index({ status: 1, createdAt: 1 });

const chunkSchema = new Schema<AttachmentChunkRecord>(
  {
    _id: { type: String, required: true },
    attachmentId: { type: String, required: true },
    n: { type: Number, required: true },
    data: { type: Buffer, required: true },
  },
  { versionKey: false },
);
chunkSchema.index({ attachmentId: 1, n: 1 }, { unique: true });

/** The `attachments` and `attachment_chunks` models on this connection. */
export function attachmentModels(connection: Connection): {
  Attachments: Model<AttachmentRecord>;
  Chunks: Model<AttachmentChunkRecord>;
} {
  return {
    Attachments: modelOn<AttachmentRecord>(connection, 'Attachment', attachmentSchema, 'attachments'),
    Chunks: modelOn<AttachmentChunkRecord>(connection, 'AttachmentChunk', chunkSchema, 'attachment_chunks'),
  };
}
