import { randomUUID } from 'node:crypto';
import { Schema, type Connection } from 'mongoose';
import type { Clock } from '../clock';
import { modelOn } from '../database/model';
import { DomainError } from '../errors';
import { defaultCannedReplies } from '../i18n/desk';

/** A reply staff insert with one click: a title and the text in both languages. */
export interface CannedReply {
  _id: string;
  title: string;
  zh: string;
  en: string;
  /** Who last changed it (`desk:<name>`), '' for the shipped ones. */
  updatedBy: string;
  updatedAt: Date;
}

const schema = new Schema<CannedReply>(
  {
    _id: { type: String, required: true },
    title: { type: String, required: true },
    zh: { type: String, required: true },
    en: { type: String, required: true },
    updatedBy: { type: String, default: '' },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false },
);

const LIMITS = { title: 60, text: 2000, count: 200 };

/**
 * The desk's canned replies (`canned_replies`, a few dozen documents), bilingual and edited by
 * staff. A desk with none gets the shipped set once, so a new install has something to start from.
 */
export function createCannedReplies(deps: { connection: Connection; clock: Clock }) {
  const Replies = modelOn<CannedReply>(deps.connection, 'CannedReply', schema, 'canned_replies');

  async function seedIfEmpty(): Promise<void> {
    if ((await Replies.countDocuments({})) > 0) return;
    const now = deps.clock.now();
    // Fixed ids: two desks seeding at once write the same documents.
    await Promise.all(
      defaultCannedReplies.map((reply) =>
        Replies.updateOne(
          { _id: reply.id },
          {
            $setOnInsert: {
              title: `${reply.title.zh} / ${reply.title.en}`,
              zh: reply.text.zh,
              en: reply.text.en,
              updatedBy: '',
              updatedAt: now,
            },
          },
          { upsert: true },
        ),
      ),
    );
  }

  return {
    /** Every canned reply, by title. */
    async list(): Promise<CannedReply[]> {
      await seedIfEmpty();
      const all = await Replies.find({}).sort({ title: 1, _id: 1 }).lean<CannedReply[]>();
      return all.slice(0, LIMITS.count);
    },

    /** Creates (no id) or changes one; every part is required. Returns its id. */
    async save(input: { id?: string; title: string; zh: string; en: string }, by: string): Promise<string> {
      const title = input.title.trim().slice(0, LIMITS.title);
      const zh = input.zh.trim().slice(0, LIMITS.text);
      const en = input.en.trim().slice(0, LIMITS.text);
      if (!title || !zh || !en)
        throw new DomainError('canned_incomplete', 'A canned reply needs a title and both texts');
      const id = input.id && /^[\w-]{1,64}$/.test(input.id) ? input.id : randomUUID();
      await Replies.updateOne(
        { _id: id },
        { $set: { title, zh, en, updatedBy: by, updatedAt: deps.clock.now() } },
        { upsert: true },
      );
      return id;
    },

    async remove(id: string): Promise<boolean> {
      return (await Replies.deleteOne({ _id: String(id) })).deletedCount === 1;
    },
  };
}

export type CannedReplies = ReturnType<typeof createCannedReplies>;
