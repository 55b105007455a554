import { createFakeClock } from '../../../services/clock';
import type { ChannelName } from '../../../services/channels/types';
import type { Language } from '../../../services/i18n/text';
import { createOutbox } from '../../../services/outbox/outbox';
import { outboxModels, toOutboxEntry } from '../../../services/outbox/outbox-model';
import { bindingCounterModel } from '../../../services/owners/binding-guard-store';
import { ownerModels } from '../../../services/owners/owner-model';
import { createOwnerService } from '../../../services/owners/owner-service';
import { useTestDatabase } from '../../support/database';

const database = useTestDatabase();

const OWNER_FILE = [
  'name,building,unit,phone,language',
  '张伟,5,2-1203,13800138000,zh',
  '李娜,5,2-1203,13911117000,zh',
  '孙丽,6,1101,13700006543,zh',
  '周强,7,808,13600004321,zh',
].join('\n');

async function setUp() {
  const { connection } = database();
  await bindingCounterModel(connection).deleteMany({});
  await outboxModels(connection).entries.deleteMany({});
  const clock = createFakeClock('2026-11-22T02:00:00Z');
  const outbox = createOutbox({ connection, clock });
  const service = createOwnerService({
    connection,
    clock,
    bindNotice: { outbox, timeZone: 'Asia/Shanghai', help: { dutyPhone: '0571-8000-0110' } },
  });
  await service.importCsv(OWNER_FILE);
  return { clock, service };
}

type Service = Awaited<ReturnType<typeof setUp>>['service'];

let users = 0;
/** A chat on `channel` in `language` that binds to the owner of `unit` with `digits`. */
async function bind(
  service: Service,
  channel: ChannelName,
  language: Language,
  unit: string,
  digits: string,
) {
  users++;
  const identity = await service.identify({
    channel,
    platformUserId: `notice-${users}`,
    address: { channel, conversationId: `notice-chat-${users}` },
    languageHint: language,
  });
  await service.submitUnit(identity.id, unit);
  expect(await service.submitPhoneDigits(identity.id, digits)).toMatchObject({ outcome: 'verified' });
  return identity;
}

async function notices() {
  const records = await outboxModels(database().connection)
    .entries.find({ purpose: 'notification' })
    .sort({ 'address.conversationId': 1 })
    .lean();
  return records.map(toOutboxEntry);
}

describe('telling a household that a new chat was linked to its home', () => {
  it('when a new chat binds, then every other reachable chat of the household is told once, each in its language', async () => {
    const { service } = await setUp();
    const first = await bind(service, 'telegram', 'zh', '5-2-1203', '8000');
    expect(await notices()).toEqual([]);
    const second = await bind(service, 'wechat', 'en', '5-2-1203', '7000'); // the other household member
    const blocked = await bind(service, 'telegram', 'zh', '5-2-1203', '8000');
    await service.markUnreachable('telegram', blocked.platformUserId, 'blocked');
    await bind(service, 'telegram', 'zh', '6-1101', '6543'); // another household
    const { entries } = outboxModels(database().connection);
    await entries.deleteMany({});

    const newcomer = await bind(service, 'web', 'zh', '5栋2单元1203', '8000');

    const told = await notices();
    expect(told.map((entry) => entry.address.conversationId)).toEqual([
      first.address.conversationId,
      second.address.conversationId,
    ]);
    expect(told.map((entry) => entry.key)).toEqual([
      `bind-notice:${newcomer.id}:${first.id}`,
      `bind-notice:${newcomer.id}:${second.id}`,
    ]);
    expect(told[0]?.message.text).toBe(
      '安全提醒：您的房屋（5栋2单元1203室）刚刚于2026年11月22日 10:00通过网页聊天绑定了一个新的聊天账号。如果这不是您或家人本人操作，请尽快联系物业服务中心（值班电话：0571-8000-0110）。',
    );
    expect(told[1]?.message.text).toBe(
      'Security notice: your home (Building 5, entrance 2, room 1203) was just linked to a new chat on the web chat at 22 November 2026 at 10:00. If this was not you or your household, please contact the property office (duty line 0571-8000-0110) at once.',
    );
    expect(told.map((entry) => entry.message.text).join('\n')).not.toMatch(/13800138000|13911117000/);
  });

  it('when the same successful answer is handled again (a crash before the link was stored), then nobody is told twice', async () => {
    const { service } = await setUp();
    await bind(service, 'telegram', 'zh', '7-808', '4321');
    const newcomer = await bind(service, 'web', 'en', '7-808', '4321');
    expect(await notices()).toHaveLength(1);

    const { identities } = ownerModels(database().connection);
    await identities.updateOne(
      { key: newcomer.key },
      {
        $set: {
          verified: false,
          ownerId: '',
          binding: {
            step: 'awaiting_phone',
            building: '7',
            unit: '808',
            attempts: 0,
            lockedUntil: new Date(0),
          },
        },
      },
    );
    expect(await service.submitPhoneDigits(newcomer.id, '4321')).toMatchObject({ outcome: 'verified' });

    expect(await notices()).toHaveLength(1);
  });
});
