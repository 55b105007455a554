import { Schema, type Connection, type Model } from 'mongoose';
import type { Clock } from '../clock';
import { trusted } from '../database/connect';
import { insertEach, modelOn } from '../database/model';

/**
 * A message that went as a template (the owner was outside the 48-hour window), kept until
 * the owner answers; `_id` `<outbox key>#<part>`, so holding it again is a no-op.
 */
export interface HeldMessageRecord {
  _id: string;
  contactId: string;
  key: string;
  part: number;
  purpose: string;
  text: string;
  language: string;
  heldAt: Date;
  status: 'held' | 'released' | 'superseded' | 'discarded';
  /** The owner message that released it ('' while held): handling it again finds the same ones. */
  releasedBy: string;
  releasedAt: Date | null;
}

const schema = new Schema<HeldMessageRecord>(
  {
    _id: { type: String, required: true },
    contactId: { type: String, required: true },
    key: { type: String, required: true },
    part: { type: Number, required: true },
    purpose: { type: String, required: true },
    text: { type: String, required: true },
    language: { type: String, default: '' },
    heldAt: { type: Date, required: true },
    status: { type: String, required: true, default: 'held' },
    releasedBy: { type: String, default: '' },
    releasedAt: { type: Date, default: null },
  },
  { versionKey: false },
);
schema.index({ contactId: 1, status: 1 });
schema.index({ key: 1 });
schema.index({ releasedBy: 1 });

/** A message to keep for the owner's answer: part `part` of outbox entry `key`. */
export interface HoldInput {
  contactId: string;
  key: string;
  part: number;
  purpose: string;
  text: string;
  language?: string;
}

/** Stores the held message (once per key and part) and supersedes older survey messages. */
async function holdMessage(Held: Model<HeldMessageRecord>, heldAt: Date, input: HoldInput): Promise<void> {
  const id = `${input.key}#${input.part}`;
  await insertEach(Held, [
    {
      _id: id,
      contactId: input.contactId,
      key: input.key,
      part: input.part,
      purpose: input.purpose,
      text: input.text,
      language: input.language ?? '',
      heldAt,
      status: 'held',
    },
  ]);
  if (input.purpose === 'survey' && input.part === 0)
    await Held.updateMany(
      { contactId: input.contactId, status: 'held', purpose: 'survey', key: trusted({ $ne: input.key }) },
      { $set: { status: 'superseded' } },
    );
}

/**
 * The messages WeChat templates stand in for (collection `wechat_held_messages`). Every
 * change is a single-document update guarded by `status`, so a held message is released by
 * exactly one owner message, however many instances handle messages at once.
 */
export function createHeldMessages(deps: {
  connection: Connection;
  clock: Clock;
  /** Older held messages are not delivered any more (a survey long closed, a past notice); default 30 days. */
  maxAgeMs?: number;
}) {
  const Held = modelOn<HeldMessageRecord>(
    deps.connection,
    'WechatHeldMessage',
    schema,
    'wechat_held_messages',
  );
  const maxAgeMs = deps.maxAgeMs ?? 30 * 86_400_000;
  const recent = () => trusted({ $gte: new Date(deps.clock.now().getTime() - maxAgeMs) });

  return {
    /**
     * Keeps a message for the owner's answer. A newer survey message replaces an older one
     * still held (it carries the owner's current question; the older would only repeat it).
     */
    hold: (input: HoldInput): Promise<void> => holdMessage(Held, deps.clock.now(), input),

    /** Whether part 0 of this outbox entry went as a template (its later parts are held too). */
    async wentAsTemplate(key: string): Promise<boolean> {
      return (await Held.exists({ _id: `${key}#0` })) !== null;
    },

    /** A template that failed for good: its message is not waiting for any answer. */
    async discard(key: string): Promise<void> {
      await Held.updateMany({ key, status: 'held' }, { $set: { status: 'discarded' } });
    },

    /** When the newest message held for this contact went as a template; undefined when none is held. */
    async heldSince(contactId: string): Promise<Date | undefined> {
      const [newest] = await Held.find({ contactId, status: 'held', heldAt: recent() }, { heldAt: 1 })
        .sort({ heldAt: -1 })
        .limit(1)
        .lean<Array<Pick<HeldMessageRecord, 'heldAt'>>>();
      return newest?.heldAt;
    },

    /**
     * Releases everything held for the contact to this owner message, oldest first (and the
     * same set again when the message is handled a second time).
     */
    async release(contactId: string, messageKey: string): Promise<HeldMessageRecord[]> {
      await Held.updateMany(
        { contactId, status: 'held', heldAt: recent() },
        { $set: { status: 'released', releasedBy: messageKey, releasedAt: deps.clock.now() } },
      );
      return Held.find({ releasedBy: messageKey, contactId })
        .sort({ heldAt: 1, key: 1, part: 1 })
        .lean<HeldMessageRecord[]>();
    },
  };
}

export type HeldMessages = ReturnType<typeof createHeldMessages>;
