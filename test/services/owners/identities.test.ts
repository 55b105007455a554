import { createFakeClock } from '../../../services/clock';
import { AppError } from '../../../services/errors';
import { ownerModels } from '../../../services/owners/owner-model';
import { createOwnerService, type IdentifyInput } from '../../../services/owners/owner-service';
import { expectStoredAsSchemaWould, useTestDatabase } from '../../support/database';

const database = useTestDatabase();

function telegramUser(id: string, overrides: Partial<IdentifyInput> = {}): IdentifyInput {
  return {
    channel: 'telegram',
    platformUserId: id,
    displayName: `User ${id}`,
    address: { channel: 'telegram', conversationId: `chat-${id}` },
    ...overrides,
  };
}

const OWNER_FILE = [
  'name,building,unit,phone,language',
  '张伟,5,2-1203,13800138000,zh',
  'Alice Smith,5,1501,+86 139 0000 1111,en',
  'Demo Owner,9,101,13700000000,zh',
].join('\n');

describe('identify', () => {
  it('when a user writes first without a name and then with one, then each time the identity is stored as the schema would store it', async () => {
    const clock = createFakeClock();
    const service = createOwnerService({ connection: database().connection, clock });
    const { identities: Identities } = ownerModels(database().connection);
    const stored = () => database().connection.collection('identities').findOne({ key: 'telegram:schema' });
    await service.identify(telegramUser('schema', { displayName: undefined }));
    await expectStoredAsSchemaWould(Identities as never, await stored());
    clock.advance(60_000);
    await service.identify(telegramUser('schema'));
    expect(await stored()).toMatchObject({ displayName: 'User schema', updatedAt: clock.now() });
    await expectStoredAsSchemaWould(Identities as never, await stored());
  });

  it('when the same user is identified 5 times at once, then one identity exists and all calls return it', async () => {
    const service = createOwnerService({ connection: database().connection, clock: createFakeClock() });

    const identities = await Promise.all([1, 2, 3, 4, 5].map(() => service.identify(telegramUser('race'))));

    expect(new Set(identities.map((identity) => identity.id)).size).toBe(1);
    const { identities: Identities } = ownerModels(database().connection);
    expect(await Identities.countDocuments({ key: 'telegram:race' })).toBe(1);
  });

  it('when an identity is changed elsewhere or deleted, then identify returns what is stored and recreates a deleted one', async () => {
    const clock = createFakeClock();
    const service = createOwnerService({ connection: database().connection, clock });
    const { identities: Identities } = ownerModels(database().connection);
    const first = await service.identify(telegramUser('known', { languageHint: 'en' }));
    // Another instance switched the language: the next message sees it, and refreshes the address.
    await Identities.updateOne({ key: 'telegram:known' }, { $set: { language: 'zh' } });
    const again = await service.identify(
      telegramUser('known', { address: { channel: 'telegram', conversationId: 'chat-moved' } }),
    );
    expect(again).toMatchObject({ id: first.id, language: 'zh' });
    expect((await service.identityByKey('telegram:known'))?.address.conversationId).toBe('chat-moved');

    await Identities.deleteMany({ key: 'telegram:known' });
    expect(await service.identityByKey('telegram:known')).toBeUndefined();
    const recreated = await service.identify(telegramUser('known', { languageHint: 'en' }));
    expect(recreated.id).not.toBe(first.id);
    expect(recreated.language).toBe('en');
    expect(await Identities.countDocuments({ key: 'telegram:known' })).toBe(1);
    expect((await service.identityByKey('telegram:known'))?.id).toBe(recreated.id);
  });

  it('when a new user writes, then the identity is unbound, unverified, in the hinted language, not binding', async () => {
    const clock = createFakeClock();
    const service = createOwnerService({ connection: database().connection, clock });

    const identity = await service.identify(telegramUser('new', { languageHint: 'en' }));

    expect(identity).toMatchObject({
      key: 'telegram:new',
      channel: 'telegram',
      platformUserId: 'new',
      displayName: 'User new',
      address: { channel: 'telegram', conversationId: 'chat-new' },
      verified: false,
      language: 'en',
      binding: { step: 'none', attempts: 0 },
      lastInboundAt: clock.now(),
      createdAt: clock.now(),
    });
    expect(identity.ownerId).toBeUndefined();
    expect(identity.unreachable).toBeUndefined();
    expect((await service.identify(telegramUser('no-hint'))).language).toBe('zh');
  });

  it('when a known user writes again later from elsewhere, then address and lastInboundAt move and the language stays', async () => {
    const clock = createFakeClock();
    const service = createOwnerService({ connection: database().connection, clock });
    const first = await service.identify(telegramUser('again', { languageHint: 'en' }));
    clock.advance(60 * 60_000);

    const second = await service.identify(
      telegramUser('again', {
        languageHint: 'zh',
        displayName: undefined,
        address: { channel: 'telegram', conversationId: 'group-7', threadId: '42' },
      }),
    );

    expect(second.id).toBe(first.id);
    expect(second.language).toBe('en');
    expect(second.displayName).toBe('User again');
    expect(second.address).toEqual({ channel: 'telegram', conversationId: 'group-7', threadId: '42' });
    expect(second.lastInboundAt).toEqual(clock.now());
    expect(second.createdAt).toEqual(first.createdAt);
    expect([first.firstContact, second.firstContact]).toEqual([true, false]);
  });

  it('when the input has no user id or an unknown channel, then identify throws naming the problems', async () => {
    const service = createOwnerService({ connection: database().connection, clock: createFakeClock() });

    const attempt = service.identify({
      channel: 'fax' as never,
      platformUserId: '',
      address: { channel: 'telegram', conversationId: 'c' },
    });

    await expect(attempt).rejects.toThrow(AppError);
    await expect(attempt).rejects.toThrow(/channel must be one of.*platformUserId/);
  });
});

describe('markUnreachable', () => {
  it('when the platform says the user blocked us, then the identity is unreachable until they write again', async () => {
    const clock = createFakeClock();
    const service = createOwnerService({ connection: database().connection, clock });
    const identity = await service.identify(telegramUser('blocker'));
    clock.advance(1000);

    expect(await service.markUnreachable('telegram', 'blocker', 'bot was blocked by the user')).toBe(true);

    expect((await service.getIdentity(identity.id))?.unreachable).toEqual({
      reason: 'bot was blocked by the user',
      at: clock.now(),
    });
    await service.identify(telegramUser('blocker'));
    expect((await service.getIdentity(identity.id))?.unreachable).toBeUndefined();
  });

  it('when we never heard from the user, then nothing is marked and it says so', async () => {
    const service = createOwnerService({ connection: database().connection, clock: createFakeClock() });

    expect(await service.markUnreachable('wechat', 'stranger', 'unfollowed')).toBe(false);
    const { identities: Identities } = ownerModels(database().connection);
    expect(await Identities.countDocuments({ key: 'wechat:stranger' })).toBe(0);
  });
});

describe('setLanguage and listVerifiedReachable', () => {
  it('when a bound owner switches language, then both the identity and the owner change', async () => {
    const service = createOwnerService({ connection: database().connection, clock: createFakeClock() });
    await service.importCsv(OWNER_FILE.replace(/Alice/g, 'Alicia'));
    const identity = await service.identify(telegramUser('switcher'));
    await service.submitUnit(identity.id, '5-1501');
    expect((await service.submitPhoneDigits(identity.id, '1111')).outcome).toBe('verified');

    const updated = await service.setLanguage(identity.id, 'zh');

    expect(updated.language).toBe('zh');
    expect((await service.ownerOf(updated))?.language).toBe('zh');
    await expect(service.setLanguage(identity.id, 'fr' as never)).rejects.toThrow(/zh or en/);
  });

  it('when owners have bound, unbound, blocked and demo identities, then only reachable real ones are listed, latest channel first', async () => {
    const { owners: Owners, identities: Identities } = ownerModels(database().connection);
    await Promise.all([Owners.deleteMany({}), Identities.deleteMany({})]); // no owners from other tests
    const clock = createFakeClock();
    const service = createOwnerService({ connection: database().connection, clock });
    await service.importCsv(
      [
        'name,building,unit,phone,language',
        '张伟,7,2-1203,13800138000,zh',
        'Alice Smith,7,1501,+86 139 0000 1111,en',
        'Real Demo,9,102,13700000000,zh',
      ].join('\n'),
    );
    await service.importCsv('name,building,unit,phone,language\nDemo Owner,9,101,13700000000,zh', {
      demo: true,
    });
    const bind = async (input: IdentifyInput, unit: string, digits: string) => {
      const identity = await service.identify(input);
      await service.submitUnit(identity.id, unit);
      expect((await service.submitPhoneDigits(identity.id, digits)).outcome).toBe('verified');
      return identity;
    };
    await bind(telegramUser('zhang-tg'), '7栋2单元1203', '8000');
    clock.advance(60_000);
    const zhangWechat = await bind(
      {
        channel: 'wechat',
        platformUserId: 'wx-zhang',
        address: { channel: 'wechat', conversationId: 'wx-zhang' },
      },
      '7-2-1203',
      '8000',
    );
    await bind(telegramUser('alice'), 'Building 7 unit 1501', '1111');
    await service.markUnreachable('telegram', 'alice', 'blocked');
    await bind(telegramUser('demo'), '9-101', '0000');
    await service.identify(telegramUser('stranger'));

    const listed = await service.listVerifiedReachable();

    expect(listed.map((entry) => [entry.owner.name, entry.identity.key])).toEqual([
      ['张伟', 'wechat:wx-zhang'],
    ]);
    expect(listed[0]?.identity.id).toBe(zhangWechat.id);
    expect(listed[0]?.owner.maskedPhone).toBe('*******8000');
    expect(JSON.stringify(listed)).not.toContain('13800138000');
    const telegramOnly = await service.listVerifiedReachable({ channels: ['telegram'], includeDemo: true });
    expect(telegramOnly.map((entry) => [entry.owner.name, entry.identity.key])).toEqual([
      ['张伟', 'telegram:zhang-tg'],
      ['Demo Owner', 'telegram:demo'],
    ]);
    expect(await service.listVerifiedReachable({ buildings: ['9'], includeDemo: true })).toHaveLength(1);
  });
});
