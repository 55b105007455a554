import { Types, type Connection, type Model } from 'mongoose';
import { CHANNEL_NAMES, type Address, type ChannelName } from '../channels/types';
import type { Clock } from '../clock';
import { indexesReady } from '../database/indexes-ready';
import { AppError } from '../errors';
import { LANGUAGES, type Language } from '../i18n/text';
import type { Logger } from '../logging/logger';
import { NO_BINDING } from './binding-rules';
import { ownerModels, type IdentityRecord } from './owner-model';

export interface IdentifyInput {
  channel: ChannelName;
  platformUserId: string;
  displayName?: string;
  /** Where replies to this user go (the conversation they wrote from). */
  address: Address;
  /** The language of the first message; only used when the identity is created. */
  languageHint?: Language;
  /** When the message arrived; defaults to now. Feeds WeChat's 48-hour window. */
  at?: Date;
}

/**
 * The channel users who ever wrote to us, owner or not: one document per
 * `<channel>:<platform user id>` (unique `key`), read and written by that key or by id.
 */
export function createIdentities(deps: { connection: Connection; clock: Clock; logger?: Logger }) {
  const { identities: Identities } = ownerModels(deps.connection);
  const ready = indexesReady(Identities);

  const find = async (identityId: string): Promise<IdentityRecord | undefined> => {
    if (typeof identityId !== 'string' || !Types.ObjectId.isValid(identityId)) return undefined;
    return (await Identities.findById(identityId).lean<IdentityRecord>()) ?? undefined;
  };

  return {
    find,

    /** An identity by id; throws `identity_not_found` when there is none. */
    async load(identityId: string): Promise<IdentityRecord> {
      const record = await find(identityId);
      if (!record) throw new AppError('identity_not_found', `No identity with id ${String(identityId)}`);
      return record;
    },

    async findByKey(key: string): Promise<IdentityRecord | undefined> {
      return (await Identities.findOne({ key }).lean<IdentityRecord>()) ?? undefined;
    },

    /**
     * One upsert on the sender's key: created on first contact (one document however many
     * messages arrive at once), else the reply address, `lastInboundAt` and the display
     * name refreshed and `unreachable` cleared (writing to us again means they unblocked us).
     * `firstContact`: this call created the identity.
     */
    async identify(input: IdentifyInput): Promise<{ record: IdentityRecord; firstContact: boolean }> {
      assertValidIdentifyInput(input);
      await ready();
      return upsertIdentity(Identities, input, deps.clock.now());
    },

    /** Sets the reply language; throws `identity_not_found` when there is no such identity. */
    async setLanguage(identityId: string, language: Language): Promise<IdentityRecord> {
      const record = Types.ObjectId.isValid(identityId)
        ? await Identities.findOneAndUpdate(
            { _id: identityId },
            { $set: { language, updatedAt: deps.clock.now() } },
            { returnDocument: 'after' },
          ).lean<IdentityRecord>()
        : null;
      if (!record) throw new AppError('identity_not_found', `No identity with id ${String(identityId)}`);
      return record;
    },

    /**
     * Records that the platform refused delivery because the user blocked us (Telegram
     * 403, WeChat unfollow). Returns false when we never heard from that user.
     */
    async markUnreachable(channel: ChannelName, platformUserId: string, reason: string): Promise<boolean> {
      if (typeof platformUserId !== 'string') return false;
      const now = deps.clock.now();
      const key = `${channel}:${platformUserId}`;
      const { matchedCount } = await Identities.updateOne(
        { key },
        {
          $set: {
            unreachable: true,
            unreachableReason: String(reason).slice(0, 300),
            unreachableAt: now,
            updatedAt: now,
          },
        },
      );
      if (matchedCount > 0) deps.logger?.info({ identity: key, reason }, 'Identity marked unreachable');
      return matchedCount > 0;
    },
  };
}

export type Identities = ReturnType<typeof createIdentities>;

/**
 * The identity upsert by the sender's key. Every message starts here, and the update names
 * every field in its stored type, so it goes to the driver: mongoose's casting of it cost
 * more than the write itself.
 */
async function upsertIdentity(
  Identities: Model<IdentityRecord>,
  input: IdentifyInput,
  now: Date,
): Promise<{ record: IdentityRecord; firstContact: boolean }> {
  const key = `${input.channel}:${input.platformUserId}`;
  const result = await Identities.collection.findOneAndUpdate({ key }, firstOrNextContact(input, now), {
    upsert: true,
    returnDocument: 'after',
    includeResultMetadata: true,
  });
  const record = result.value as IdentityRecord | null;
  if (!record) throw new AppError('identity_upsert_failed', `Upsert of identity ${key} returned nothing`);
  return { record, firstContact: result.lastErrorObject?.updatedExisting === false };
}

/** The upsert of `identify`: the whole identity on first contact (every field), the contact fields after. */
function firstOrNextContact(input: IdentifyInput, now: Date) {
  const displayName = input.displayName?.slice(0, 200) ?? '';
  const language = input.languageHint && LANGUAGES.includes(input.languageHint) ? input.languageHint : 'zh';
  return {
    $setOnInsert: {
      key: `${input.channel}:${input.platformUserId}`,
      channel: input.channel,
      platformUserId: input.platformUserId,
      ownerId: '',
      verified: false,
      language,
      binding: NO_BINDING,
      createdAt: now,
      ...(displayName ? {} : { displayName: '' }),
    },
    $set: {
      address: {
        channel: input.address.channel,
        conversationId: input.address.conversationId,
        threadId: input.address.threadId ?? '',
      },
      lastInboundAt: input.at ?? now,
      unreachable: false,
      unreachableReason: '',
      unreachableAt: null,
      updatedAt: now,
      ...(displayName ? { displayName } : {}),
    },
  };
}

function assertValidIdentifyInput(input: IdentifyInput): void {
  const problems: string[] = [];
  if (!input || !CHANNEL_NAMES.includes(input.channel))
    problems.push('channel must be one of ' + CHANNEL_NAMES.join(', '));
  if (
    typeof input?.platformUserId !== 'string' ||
    input.platformUserId.length === 0 ||
    input.platformUserId.length > 256
  )
    problems.push('platformUserId must be a string of 1-256 characters');
  if (
    !input?.address ||
    !CHANNEL_NAMES.includes(input.address.channel) ||
    typeof input.address.conversationId !== 'string' ||
    input.address.conversationId.length === 0
  )
    problems.push('address needs a channel and a conversationId');
  if (input?.displayName !== undefined && typeof input.displayName !== 'string')
    problems.push('displayName must be a string');
  if (problems.length > 0)
    throw new AppError('identity_input_invalid', `Invalid identity: ${problems.join('; ')}`);
}
