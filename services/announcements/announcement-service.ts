import { randomBytes } from 'node:crypto';
import { Schema, type Connection } from 'mongoose';
import type { Clock } from '../clock';
import { modelOn } from '../database/model';
import { DomainError } from '../errors';
import { localize, type Language } from '../i18n/text';
import type { Logger } from '../logging/logger';
import { isDuplicateKey, type Outbox } from '../outbox/outbox';
import type { OwnerService } from '../owners/owner-service';

/** One notice from staff to owners: `_id` is its id; each owner's copy is `announcement:<id>:<ownerId>`. */
export interface AnnouncementRecord {
  _id: string;
  /** The notice as staff wrote it; a language left empty falls back to the other. */
  text: { zh: string; en: string };
  /** '' = every owner; else only owners of this building. */
  building: string;
  by: string;
  source: 'slack' | 'cli';
  status: 'sending' | 'done';
  recipients: number;
  queued: number;
  createdAt: Date;
  finishedAt: Date | null;
}

const schema = new Schema<AnnouncementRecord>(
  {
    _id: { type: String, required: true },
    text: { zh: { type: String, default: '' }, en: { type: String, default: '' } },
    building: { type: String, default: '' },
    by: { type: String, required: true },
    source: { type: String, required: true, enum: ['slack', 'cli'] },
    status: { type: String, required: true, enum: ['sending', 'done'] },
    recipients: { type: Number, default: 0 },
    queued: { type: Number, default: 0 },
    createdAt: { type: Date, required: true },
    finishedAt: { type: Date, default: null },
  },
  { versionKey: false },
);
schema.index({ status: 1 });

const HEADER = { zh: '📢【物业通知】', en: '📢 Notice from the property office' };
const MAX_LENGTH = 2000;

/** `building=7 停水通知…|| Water off…`: an optional building, then zh || en (either may be alone). */
export function parseAnnouncement(input: string): { building: string; text: { zh: string; en: string } } {
  let rest = input.trim();
  let building = '';
  const target = /^(?:building|楼|栋|楼栋)\s*[=:：]\s*(\S+)\s+/i.exec(rest);
  if (target) {
    building = target[1] as string;
    rest = rest.slice(target[0].length);
  }
  const [first = '', second = ''] = rest.split('||').map((part) => part.trim());
  const hasChinese = (text: string) => /[\u4e00-\u9fff]/.test(text);
  const text = second
    ? { zh: first, en: second }
    : hasChinese(first)
      ? { zh: first, en: '' }
      : { zh: '', en: first };
  return { building, text };
}

/**
 * Announcements (water shut-off, community activity, rule changes) to every verified owner
 * or one building, through the outbox at each channel's rate. The announcement is stored
 * first; delivery is a resumable pass keyed per owner, so a crash or a second instance
 * never sends an owner the same notice twice. Quiet hours do not apply: staff chose the time.
 */
export function createAnnouncementService(deps: {
  connection: Connection;
  owners: OwnerService;
  outbox: Outbox;
  clock: Clock;
  logger: Logger;
}) {
  const Announcements = modelOn<AnnouncementRecord>(deps.connection, 'Announcement', schema, 'announcements');
  const log = deps.logger.child({ component: 'announcements' });

  async function create(input: {
    id?: string;
    text: { zh?: string; en?: string };
    building?: string;
    by: string;
    source: 'slack' | 'cli';
  }): Promise<{ announcement: AnnouncementRecord; created: boolean }> {
    const zh = (input.text.zh ?? '').trim();
    const en = (input.text.en ?? '').trim();
    if (!zh && !en)
      throw new DomainError('announcement_empty', 'An announcement needs a text (中文 || English)');
    if (zh.length > MAX_LENGTH || en.length > MAX_LENGTH)
      throw new DomainError(
        'announcement_too_long',
        `An announcement is at most ${MAX_LENGTH} characters per language`,
      );
    const now = deps.clock.now();
    const id =
      input.id ?? `ann-${now.toISOString().slice(0, 10).replace(/-/g, '')}-${randomBytes(3).toString('hex')}`;
    const record: AnnouncementRecord = {
      _id: id,
      text: { zh, en },
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
      await Announcements.create(record);
      log.info({ announcement: id, building: record.building, source: input.source }, 'Announcement stored');
      return { announcement: record, created: true };
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      const existing = await Announcements.findById(id).lean<AnnouncementRecord>();
      return { announcement: existing as AnnouncementRecord, created: false };
    }
  }

  const textFor = (announcement: AnnouncementRecord, language: Language) => {
    const body = announcement.text[language] || announcement.text[language === 'zh' ? 'en' : 'zh'];
    return `${localize(HEADER, language)}\n${body}`;
  };

  /** Queues the notice for every owner it concerns; returns how many were queued by this pass. */
  async function deliver(
    id: string,
    onProgress?: (done: number, total: number) => void,
  ): Promise<{ recipients: number; queued: number }> {
    const announcement = await Announcements.findById(id).lean<AnnouncementRecord>();
    if (!announcement) throw new DomainError('announcement_not_found', `No announcement ${id}`);
    const recipients = await deps.owners.listVerifiedReachable(
      announcement.building ? { buildings: [announcement.building] } : {},
    );
    let queued = 0;
    onProgress?.(0, recipients.length);
    for (let start = 0; start < recipients.length; start += 50) {
      const batch = recipients.slice(start, start + 50);
      const results = await Promise.all(
        batch.map(({ owner, identity }) =>
          deps.outbox.enqueue({
            key: `announcement:${id}:${owner.id}`,
            address: identity.address,
            purpose: 'announcement',
            ownerId: owner.id,
            message: { text: textFor(announcement, identity.language), language: identity.language },
          }),
        ),
      );
      queued += results.filter((result) => result.created).length;
      onProgress?.(Math.min(start + 50, recipients.length), recipients.length);
    }
    await Announcements.updateOne(
      { _id: id },
      {
        $set: { status: 'done', finishedAt: deps.clock.now(), recipients: recipients.length },
        $inc: { queued },
      },
    );
    log.info({ announcement: id, recipients: recipients.length, queued }, 'Announcement queued');
    return { recipients: recipients.length, queued };
  }

  return {
    create,
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
          log.error(
            { err: error, announcement: announcement._id },
            'Announcement delivery failed; the upkeep job resumes it',
          ),
        );
      const to = announcement.building
        ? `building ${announcement.building} · ${announcement.building} 栋业主`
        : 'all owners · 全体业主';
      return `📢 ${announcement._id}: sending to ${to}. 通知发送中。`;
    },
    /** Delivers announcements a crash left half-queued (the outreach upkeep job calls it). */
    async resume(): Promise<{ resumed: number }> {
      const unfinished = await Announcements.find({ status: 'sending' }, { _id: 1 }).lean();
      for (const { _id } of unfinished) await deliver(String(_id));
      return { resumed: unfinished.length };
    },
  };
}

export type AnnouncementService = ReturnType<typeof createAnnouncementService>;
