import type { AnnouncementService } from '../services/announcements/announcement-service';
import type { Job } from './jobs';

/** Finishes announcements a crash or restart left half-queued (each owner's copy is keyed). */
export function announcementsJob(announcements: AnnouncementService, cron: string): Job {
  return {
    name: 'announcements',
    cron,
    run: async () => ({ ...(await announcements.resume()) }),
    runOnStart: true,
  };
}
