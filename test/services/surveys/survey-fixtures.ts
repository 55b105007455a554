import type { Connection } from 'mongoose';
import type { Clock } from '../../../services/clock';
import { ownerModels } from '../../../services/owners/owner-model';
import { verifiedIdentity } from '../../support/telegram-owners';

export interface SeededOwner {
  ownerId: string;
  /** The platform user id (the harness's `from`). */
  from: string;
  building: string;
}

/**
 * Verified owners with a bound Telegram identity, written straight into the owner database
 * (the binding dialog has its own tests); conversation ids follow the core harness (`chat-<from>`).
 */
export async function seedOwners(
  connection: Connection,
  clock: Clock,
  owners: Array<{
    from: string;
    building: string;
    unit?: string;
    language?: 'zh' | 'en';
    channel?: 'telegram' | 'web' | 'wechat';
    chatId?: string;
  }>,
): Promise<SeededOwner[]> {
  const { owners: Owners, identities: Identities } = ownerModels(connection);
  const now = clock.now();
  const seeded: SeededOwner[] = [];
  for (const [index, spec] of owners.entries()) {
    const unit = spec.unit ?? `${100 + index}`;
    const phone = `1380000${String(1000 + index).padStart(4, '0')}`;
    const owner = await Owners.create({
      householdKey: `${spec.building}/${unit}/${phone}`,
      name: `Owner ${spec.from}`,
      building: spec.building,
      unit,
      entrance: '',
      room: unit,
      phone,
      phoneLast4: phone.slice(-4),
      language: spec.language ?? 'en',
      verified: true,
      demo: false,
      source: 'import',
      createdAt: now,
      updatedAt: now,
    });
    const channel = spec.channel ?? 'telegram';
    await Identities.create(
      verifiedIdentity({
        channel,
        platformUserId: spec.from,
        conversationId: spec.chatId ?? `chat-${spec.from}`,
        ownerId: String(owner._id),
        language: spec.language ?? 'en',
        at: now,
        displayName: `Owner ${spec.from}`,
      }),
    );
    seeded.push({ ownerId: String(owner._id), from: spec.from, building: spec.building });
  }
  return seeded;
}
