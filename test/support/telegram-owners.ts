import type { Connection } from 'mongoose';
import { ownerModels } from '../../services/owners/owner-model';

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
      inserted.map((owner, j) => ({
        key: `telegram:${batchChats[j]}`,
        channel: 'telegram',
        platformUserId: batchChats[j],
        displayName: '',
        address: { channel: 'telegram', conversationId: batchChats[j], threadId: '' },
        ownerId: String(owner._id),
        verified: true,
        language: owner.language,
        binding: { step: 'none', building: '', unit: '', attempts: 0, lockedUntil: new Date(0) },
        unreachable: false,
        unreachableReason: '',
        unreachableAt: null,
        lastInboundAt: now,
        createdAt: now,
        updatedAt: now,
      })),
    );
  }
  return chats;
}
