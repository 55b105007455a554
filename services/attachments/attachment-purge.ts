import type { Connection } from 'mongoose';
import { trusted } from '../database/connect';
import { attachmentModels } from './attachment-model';
import { uploadIdOf } from './attachment-store';

/**
 * Deletes the photos of these web chat sessions, bytes and all (`owners forget`). Chunks go
 * before their description, so a run cut short is finished by the next.
 */
export async function deleteConversationPhotos(
  connection: Connection,
  channel: string,
  conversationIds: string[],
): Promise<number> {
  if (conversationIds.length === 0) return 0;
  const { Attachments } = attachmentModels(connection);
  const found = await Attachments.find(
    { channel, conversationId: trusted({ $in: conversationIds }) },
    { _id: 1 },
  ).lean();
  return deleteByIds(
    connection,
    found.map((row) => String(row._id)),
  );
}

/**
 * Deletes up to `batch` photos uploaded before `before`, except those on cases still open (their
 * words are kept too). Returns how many went and whether more may be left.
 */
export async function purgePhotosBefore(
  connection: Connection,
  before: Date,
  options: { openCaseStatuses: string[]; batch: number },
): Promise<{ deleted: number; more: boolean }> {
  const { Attachments } = attachmentModels(connection);
  const old = await Attachments.find({ createdAt: trusted({ $lt: before }) }, { _id: 1 })
    .sort({ createdAt: 1 })
    .limit(options.batch)
    .lean();
  if (old.length === 0) return { deleted: 0, more: false };
  const open = await connection
    .collection('tickets')
    .find({ status: { $in: options.openCaseStatuses } }, { projection: { messages: 1 } })
    .toArray();
  const kept = new Set(
    open.flatMap((ticket) =>
      ((ticket.messages ?? []) as Array<{ attachments?: Array<{ reference: string }> }>).flatMap((message) =>
        (message.attachments ?? []).map((a) => uploadIdOf(a.reference) ?? ''),
      ),
    ),
  );
  const ids = old.map((row) => String(row._id)).filter((id) => !kept.has(id));
  const deleted = await deleteByIds(connection, ids);
  // A full batch of photos all kept by open cases is no reason to run again at once.
  return { deleted, more: old.length === options.batch && deleted > 0 };
}

async function deleteByIds(connection: Connection, ids: string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const { Attachments, Chunks } = attachmentModels(connection);
  await Chunks.deleteMany({ attachmentId: trusted({ $in: ids }) });
  return (await Attachments.deleteMany({ _id: trusted({ $in: ids }) })).deletedCount;
}
