import type { Connection } from 'mongoose';
import { bindNoticeText, type BindingHelp } from '../i18n/binding';
import type { Logger } from '../logging/logger';
import type { EnqueueInput } from '../outbox/outbox';
import { ownerModels, type IdentityRecord, type OwnerRecord } from './owner-model';

/** Where and how a household hears that a new chat was linked to its home. */
export interface BindNoticeSettings {
  outbox: { enqueueMany(inputs: readonly EnqueueInput[]): Promise<unknown> };
  /** The time zone the time of linking is shown in (BOT_TIMEZONE). */
  timeZone: string;
  /** The office and duty line the notice names. */
  help?: BindingHelp;
}

/**
 * Tells the chats already linked to a household that another one was just linked to it, each
 * in its own language, once (keyed by the new and the told identity), so an owner learns of a
 * takeover. Without settings (operations commands, which never bind) nobody is told.
 */
export function createBindNotice(deps: {
  connection: Connection;
  settings?: BindNoticeSettings;
  logger?: Logger;
}) {
  const { owners: Owners, identities: Identities } = ownerModels(deps.connection);

  /** The reachable identities bound to any owner of the household, except `newcomer`, oldest first. */
  async function householdChats(owner: OwnerRecord, newcomer: IdentityRecord): Promise<IdentityRecord[]> {
    const household = (
      await Owners.find({ building: owner.building, room: owner.room })
        .sort({ createdAt: 1, _id: 1 })
        .lean<OwnerRecord[]>()
    ).filter((member) => member.unit === owner.unit);
    const chats: IdentityRecord[] = [];
    // One equality query per owner: an index answers each (an `$in` would not be, on every engine).
    for (const member of household) {
      const bound = await Identities.find({ ownerId: String(member._id) })
        .sort({ createdAt: 1, _id: 1 })
        .lean<IdentityRecord[]>();
      chats.push(
        ...bound.filter((chat) => chat.verified && !chat.unreachable && !chat._id.equals(newcomer._id)),
      );
    }
    return chats;
  }

  return async function notifyHousehold(
    newcomer: IdentityRecord,
    owner: OwnerRecord,
    at: Date,
  ): Promise<number> {
    const settings = deps.settings;
    if (!settings) return 0;
    const chats = await householdChats(owner, newcomer);
    await settings.outbox.enqueueMany(
      chats.map((chat) => ({
        key: `bind-notice:${String(newcomer._id)}:${String(chat._id)}`,
        address: {
          channel: chat.address.channel,
          conversationId: chat.address.conversationId,
          ...(chat.address.threadId ? { threadId: chat.address.threadId } : {}),
        },
        purpose: 'notification' as const,
        ownerId: chat.ownerId,
        message: {
          text: bindNoticeText({
            language: chat.language,
            place: { building: owner.building, unit: owner.unit },
            channel: newcomer.channel,
            at,
            timeZone: settings.timeZone,
            ...(settings.help ? { help: settings.help } : {}),
          }),
          language: chat.language,
        },
      })),
    );
    if (chats.length > 0)
      deps.logger?.info(
        { identity: newcomer.key, told: chats.length },
        'Household told of a newly linked chat',
      );
    return chats.length;
  };
}

export type NotifyHousehold = ReturnType<typeof createBindNotice>;
