import { DomainError } from '../errors';
import type { AnnouncementContext } from './announcement-context';
import type { AnnouncementRecord } from './announcement-model';
import { noticeFor } from './announcement-text';

/** Owners queued at once: enough to keep the outbox busy, few enough to report progress. */
const BATCH = 50;

/**
 * Queues the notice for every verified, reachable owner it concerns, one outbox entry keyed
 * per owner (a second pass queues nobody twice), and marks it done; returns how many were
 * queued by this pass. `onProgress` hears (done, total) after each batch.
 */
export async function deliverAnnouncement(
  ctx: AnnouncementContext,
  id: string,
  onProgress?: (done: number, total: number) => void,
): Promise<{ recipients: number; queued: number }> {
  const announcement = await ctx.Announcements.findById(id).lean<AnnouncementRecord>();
  if (!announcement) throw new DomainError('announcement_not_found', `No announcement ${id}`);
  const recipients = await ctx.owners.listVerifiedReachable(
    announcement.building ? { buildings: [announcement.building] } : {},
  );
  let queued = 0;
  onProgress?.(0, recipients.length);
  for (let start = 0; start < recipients.length; start += BATCH) {
    const batch = recipients.slice(start, start + BATCH);
    const results = await Promise.all(
      batch.map(({ owner, identity }) =>
        ctx.outbox.enqueue({
          key: `announcement:${id}:${owner.id}`,
          address: identity.address,
          purpose: 'announcement',
          ownerId: owner.id,
          message: { text: noticeFor(announcement, identity.language), language: identity.language },
        }),
      ),
    );
    queued += results.filter((result) => result.created).length;
    onProgress?.(Math.min(start + BATCH, recipients.length), recipients.length);
  }
  await ctx.Announcements.updateOne(
    { _id: id },
    {
      $set: { status: 'done', finishedAt: ctx.clock.now(), recipients: recipients.length },
      $inc: { queued },
    },
  );
  ctx.log.info({ announcement: id, recipients: recipients.length, queued }, 'Announcement queued');
  return { recipients: recipients.length, queued };
}
