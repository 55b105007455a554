import { randomBytes } from 'node:crypto';
import { isDuplicateKey } from '../outbox/outbox';
import type { AnnouncementContext } from './announcement-context';
import type { AnnouncementRecord } from './announcement-model';
import { checkedText } from './announcement-text';

/** What staff send: the text in one or both languages, for every owner or one building. */
export interface NewAnnouncement {
  /** A caller-chosen id makes a repeated request one announcement; else a fresh dated id. */
  id?: string;
  text: { zh?: string; en?: string };
  building?: string;
  by: string;
  source: 'slack' | 'cli';
}

/** `ann-20261205-3f9a1c`: the day it was made, and enough randomness for a handful a day. */
function newAnnouncementId(now: Date): string {
  return `ann-${now.toISOString().slice(0, 10).replace(/-/g, '')}-${randomBytes(3).toString('hex')}`;
}

/**
 * Stores the announcement, to be delivered; storing the same id again returns the stored
 * one with `created: false`. An empty or too long text is a DomainError.
 */
export async function createAnnouncement(
  ctx: AnnouncementContext,
  input: NewAnnouncement,
): Promise<{ announcement: AnnouncementRecord; created: boolean }> {
  const text = checkedText(input.text);
  const now = ctx.clock.now();
  const id = input.id ?? newAnnouncementId(now);
  const record: AnnouncementRecord = {
    _id: id,
    text,
    building: (input.building ?? '').trim(),
    by: input.by,
    source: input.source,
    status: 'sending',
    recipients: 0,
    queued: 0,
    createdAt: now,
    finishedAt: null,
  };
  try {
    await ctx.Announcements.create(record);
    ctx.log.info(
      { announcement: id, building: record.building, source: input.source },
      'Announcement stored',
    );
    return { announcement: record, created: true };
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    const existing = await ctx.Announcements.findById(id).lean<AnnouncementRecord>();
    return { announcement: existing as AnnouncementRecord, created: false };
  }
}
