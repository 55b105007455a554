import type { Connection } from 'mongoose';
import { createTelegramChannel } from '../../bots/channels/telegram/telegram';
import type { ChannelAdapter, ChannelName } from '../../services/channels/types';
import { systemClock } from '../../services/clock';
import type { Language } from '../../services/i18n/text';
import type { Logger } from '../../services/logging/logger';
import { createOutbox } from '../../services/outbox/outbox';
import { ownerModels } from '../../services/owners/owner-model';
import { createOwnerService } from '../../services/owners/owner-service';
import { createSurveyService } from '../../services/surveys/survey-service';

/**
 * `count` verified owners with one reachable Telegram identity each (chat ids from
 * `firstChat`), written straight to the collections in bulk: outreach tests and benches
 * need many owners fast, not the binding dialog. Returns the chat ids, in owner order.
 */
export async function seedTelegramOwners(
  connection: Connection,
  options: { count: number; firstChat: number; buildings: number; phonePrefix: string },
): Promise<string[]> {
  const { owners, identities } = ownerModels(connection);
  const now = new Date();
  const chats: string[] = [];
  for (let start = 0; start < options.count; start += 500) {
    const batch = Array.from({ length: Math.min(500, options.count - start) }, (_, i) => start + i);
    const phone = (i: number) => `${options.phonePrefix}${String(i).padStart(4, '0')}`;
    const inserted = await owners.insertMany(
      batch.map((i) => ({
        householdKey: `${1 + (i % options.buildings)}/${i}/${phone(i)}`,
        name: `Owner ${i}`,
        building: String(1 + (i % options.buildings)),
        unit: String(i),
        entrance: '',
        room: String(i),
        phone: phone(i),
        phoneLast4: String(i).padStart(4, '0'),
        language: i % 3 === 0 ? 'en' : 'zh',
        verified: true,
        demo: false,
        source: 'import',
        createdAt: now,
        updatedAt: now,
      })),
    );
    const batchChats = batch.map((i) => String(options.firstChat + i));
    chats.push(...batchChats);
    await identities.insertMany(
      inserted.map((owner, j) =>
        verifiedIdentity({
          channel: 'telegram',
          platformUserId: batchChats[j] as string,
          conversationId: batchChats[j] as string,
          ownerId: String(owner._id),
          language: owner.language,
          at: now,
        }),
      ),
    );
  }
  return chats;
}

/** The identity record of an owner bound on `channel` (no binding dialog in progress). */
export function verifiedIdentity(identity: {
  channel: ChannelName;
  platformUserId: string;
  conversationId: string;
  ownerId: string;
  language: Language;
  at: Date;
  displayName?: string;
}) {
  const { channel, platformUserId, conversationId, at } = identity;
  return {
    key: `${channel}:${platformUserId}`,
    channel,
    platformUserId,
    displayName: identity.displayName ?? '',
    address: { channel, conversationId, threadId: '' },
    ownerId: identity.ownerId,
    verified: true,
    language: identity.language,
    binding: { step: 'none' as const, building: '', unit: '', attempts: 0, lockedUntil: new Date(0) },
    unreachable: false,
    unreachableReason: '',
    unreachableAt: null,
    lastInboundAt: at,
    createdAt: at,
    updatedAt: at,
  };
}

/**
 * What an app instance runs a survey campaign with, on `connection`, sending to a (fake)
 * Telegram Bot API at `apiRoot`: the survey service (quiet hours off) and the adapters for
 * a dispatcher. For fault tests and benches that build instances by hand.
 */
export function telegramCampaignServices(
  connection: Connection,
  options: { apiRoot: string; token: string; logger: Logger },
) {
  const clock = systemClock;
  const { logger } = options;
  const owners = createOwnerService({ connection, clock });
  const outbox = createOutbox({ connection, clock });
  const surveys = createSurveyService({
    connection,
    owners,
    outbox,
    clock,
    logger,
    settings: { quietHours: null },
  });
  const telegram = createTelegramChannel({
    settings: {
      token: options.token,
      apiRoot: options.apiRoot,
      webhookSecret: 'unused: nothing is received',
    },
    clock,
    logger,
    onUnreachable: async () => undefined,
  });
  const adapters = new Map<ChannelName, ChannelAdapter>([['telegram', telegram.adapter]]);
  return { clock, outbox, surveys, adapters };
}
