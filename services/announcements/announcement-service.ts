import { announcementContextOf, type AnnouncementDeps } from './announcement-context';
import { parseAnnouncement, sendingReply } from './announcement-text';
import { createAnnouncement, type NewAnnouncement } from './create-announcement';
import { deliverAnnouncement } from './deliver-announcement';

export type { AnnouncementRecord } from './announcement-model';
export { parseAnnouncement } from './announcement-text';

/**
 * Announcements (water shut-off, community activity, rule changes) to every verified owner
 * or one building, through the outbox at each channel's rate. The announcement is stored
 * first; delivery is a resumable pass keyed per owner, so a crash or a second instance
 * never sends an owner the same notice twice. Quiet hours do not apply: staff chose the time.
 */
export function createAnnouncementService(deps: AnnouncementDeps) {
  const ctx = announcementContextOf(deps);
  const create = (input: NewAnnouncement) => createAnnouncement(ctx, input);
  const deliver = (id: string, onProgress?: (done: number, total: number) => void) =>
    deliverAnnouncement(ctx, id, onProgress);

  return {
    /** Stores the notice; the same id again returns the stored one with `created: false`. */
    create,
    /** Queues the notice for every owner it concerns; returns how many were queued by this pass. */
    deliver,
    /**
     * Slack's `/announce`: stores the notice (keyed by the request, so a repeated request is
     * one announcement) and queues it in the background, answering at once (Slack waits 3 s).
     */
    async fromSlack(input: { text: string; staffId: string; requestId: string }): Promise<string> {
      const parsed = parseAnnouncement(input.text);
      const { announcement, created } = await create({
        ...(input.requestId ? { id: `slack-${input.requestId.replace(/[^\w.-]/g, '')}` } : {}),
        text: parsed.text,
        building: parsed.building,
        by: input.staffId,
        source: 'slack',
      });
      if (created)
        void deliver(announcement._id).catch((error: unknown) =>
          ctx.log.error(
            { err: error, announcement: announcement._id },
            'Announcement delivery failed; the upkeep job resumes it',
          ),
        );
      return sendingReply(announcement);
    },
    /** Delivers announcements a crash left half-queued (the outreach upkeep job calls it). */
    async resume(): Promise<{ resumed: number }> {
      const unfinished = await ctx.Announcements.find({ status: 'sending' }, { _id: 1 }).lean();
      for (const { _id } of unfinished) await deliver(String(_id));
      return { resumed: unfinished.length };
    },
  };
}

export type AnnouncementService = ReturnType<typeof createAnnouncementService>;
