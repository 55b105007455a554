import { Writable } from 'node:stream';
import { createFakeClock } from '../../../services/clock';
import { localize } from '../../../services/i18n/text';
import { createLogger } from '../../../services/logging/logger';
import { ownerModels } from '../../../services/owners/owner-model';
import { createOwnerService } from '../../../services/owners/owner-service';
import { bindingReply } from '../../../services/i18n/binding';
import { bindingCounterModel } from '../../../services/owners/binding-guard-store';
import { useTestDatabase } from '../../support/database';

const database = useTestDatabase();

const MINUTE = 60_000;

const OWNER_FILE = [
  'name,building,unit,phone,language',
  '张伟,5,2-1203,13800138000,zh',
  '李娜,5,2-1203,13911117000,zh',
  '赵敏,5,3-808,13500008888,zh',
  '钱军,5,3-808,13600008888,zh',
  '王芳,5,1-1203,13622223333,zh',
  'Alice Smith,8,1501,+86 139 0000 1111,en',
].join('\n');

/**
 * A service on the shared test database, its fake clock, and every log line it writes. The
 * failures counted per unit start over, so each test sees only its own.
 */
async function setUp(policy?: { maxAttempts?: number; lockMs?: number }) {
  await bindingCounterModel(database().connection).deleteMany({});
  const clock = createFakeClock();
  const logLines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(chunk.toString());
      done();
    },
  });
  const logger = createLogger({ level: 'debug', destination });
  const service = createOwnerService({
    connection: database().connection,
    clock,
    logger,
    bindingPolicy: policy,
  });
  await service.importCsv(OWNER_FILE);
  return { clock, service, logLines };
}

let userCount = 0;
async function newIdentity(service: Awaited<ReturnType<typeof setUp>>['service']) {
  userCount++;
  return service.identify({
    channel: 'telegram',
    platformUserId: `u${userCount}`,
    address: { channel: 'telegram', conversationId: `c${userCount}` },
  });
}

describe('binding', () => {
  it('when an owner names the unit and the last four digits, then the identity is verified and bound to that owner', async () => {
    const { clock, service } = await setUp();
    const identity = await newIdentity(service);

    const start = await service.startBinding(identity.id);
    const unit = await service.submitUnit(identity.id, '5号楼2单元1203');
    const phone = await service.submitPhoneDigits(identity.id, '尾号 8000');

    expect(start).toEqual({ outcome: 'ask_unit' });
    expect(unit).toEqual({ outcome: 'ask_phone', building: '5', unit: '2-1203' });
    expect(
      localize(
        bindingReply(unit, 'zh', clock.now()).text,
        'zh',
        bindingReply(unit, 'zh', clock.now()).values,
      ),
    ).toBe('好的，5栋2单元1203室。请发送您在物业登记的手机号码的后四位数字。');
    expect(phone).toMatchObject({ outcome: 'verified', building: '5', unit: '2-1203' });
    const stored = await service.getIdentity(identity.id);
    expect(stored).toMatchObject({ verified: true, binding: { step: 'none', attempts: 0 } });
    const owner = await service.ownerOf(stored!);
    expect(owner).toMatchObject({ name: '张伟', building: '5', unit: '2-1203', verified: true });
    expect(phone.outcome === 'verified' && phone.ownerId).toBe(owner?.id);
    const reply = bindingReply(phone, 'zh', clock.now());
    expect(localize(reply.text, 'zh', reply.values)).toBe(
      '验证成功，谢谢您！已确认您是5栋2单元1203室的业主。',
    );
  });

  it('when two people of one household share the unit, then each binds to their own owner record by their own digits', async () => {
    const { service } = await setUp();
    const identity = await newIdentity(service);
    await service.submitUnit(identity.id, '5-2-1203');

    const result = await service.submitPhoneDigits(identity.id, '7000');

    expect(result.outcome).toBe('verified');
    expect((await service.ownerOf((await service.getIdentity(identity.id))!))?.name).toBe('李娜');
  });

  it('when two people of one household have numbers ending alike, then the whole number picks the right one', async () => {
    const { service } = await setUp();
    const byWholeNumber = await newIdentity(service);
    const byLastFour = await newIdentity(service);
    await service.submitUnit(byWholeNumber.id, '5-3-808');
    await service.submitUnit(byLastFour.id, '5-3-808');

    expect(await service.submitPhoneDigits(byWholeNumber.id, '136 0000 8888')).toMatchObject({
      outcome: 'verified',
    });
    expect(await service.submitPhoneDigits(byLastFour.id, '8888')).toMatchObject({
      outcome: 'verified',
      unit: '3-808',
    });

    const nameOf = async (id: string) => (await service.ownerOf((await service.getIdentity(id))!))?.name;
    expect(await nameOf(byWholeNumber.id)).toBe('钱军');
    expect(['赵敏', '钱军']).toContain(await nameOf(byLastFour.id));
  });

  it('when the entrance is left out and the digits single out one household, then it binds; when the digits fit none, it does not', async () => {
    const { service } = await setUp();
    const owner = await newIdentity(service);
    await service.submitUnit(owner.id, '5栋1203');
    expect(await service.submitPhoneDigits(owner.id, '3333')).toMatchObject({
      outcome: 'verified',
      unit: '1-1203',
    });

    const stranger = await newIdentity(service);
    await service.submitUnit(stranger.id, '5栋1203');
    expect(await service.submitPhoneDigits(stranger.id, '1234')).toEqual({
      outcome: 'retry',
      attemptsLeft: 2,
    });
  });

  it('when already verified, then starting again says so instead of asking', async () => {
    const { service } = await setUp();
    const identity = await newIdentity(service);
    await service.submitUnit(identity.id, 'Building 8 unit 1501');
    await service.submitPhoneDigits(identity.id, '1111');

    expect(await service.startBinding(identity.id)).toMatchObject({
      outcome: 'already_verified',
      building: '8',
      unit: '1501',
    });
  });

  it('when the address cannot be read or the digits are not four, then nothing is counted and the same question stands', async () => {
    const { service } = await setUp();
    const identity = await newIdentity(service);
    await service.startBinding(identity.id);

    expect(await service.submitUnit(identity.id, '我家水管漏了')).toEqual({ outcome: 'unit_not_understood' });
    await service.submitUnit(identity.id, '5-2-1203');
    expect(await service.submitPhoneDigits(identity.id, '80')).toEqual({ outcome: 'digits_not_understood' });
    expect(await service.getIdentity(identity.id)).toMatchObject({
      binding: { step: 'awaiting_phone', building: '5', unit: '2-1203', attempts: 0 },
    });
  });

  it('when digits are sent before any unit, then the unit is asked for first', async () => {
    const { service } = await setUp();
    const identity = await newIdentity(service);

    expect(await service.submitPhoneDigits(identity.id, '8000')).toEqual({ outcome: 'ask_unit' });
    expect((await service.getIdentity(identity.id))?.binding.step).toBe('awaiting_unit');
  });

  it('when wrong digits and a unit not on file are given, then each costs an attempt and the third locks for 30 minutes', async () => {
    const { clock, service } = await setUp();
    const identity = await newIdentity(service);

    await service.submitUnit(identity.id, '5-2-1203');
    const first = await service.submitPhoneDigits(identity.id, '1234');
    await service.submitUnit(identity.id, '99-9999');
    const second = await service.submitPhoneDigits(identity.id, '8000');
    await service.submitUnit(identity.id, '5-2-1203');
    const third = await service.submitPhoneDigits(identity.id, '0000');

    expect(first).toEqual({ outcome: 'retry', attemptsLeft: 2 });
    expect(second).toEqual({ outcome: 'no_such_unit', attemptsLeft: 1 });
    expect(third).toEqual({ outcome: 'locked', lockedUntil: new Date(clock.now().getTime() + 30 * MINUTE) });
    const stored = await service.getIdentity(identity.id);
    expect(stored).toMatchObject({ verified: false, binding: { step: 'locked', attempts: 3 } });
    expect(stored?.ownerId).toBeUndefined();
    const reply = bindingReply(third, 'en', clock.now());
    expect(localize(reply.text, 'en', reply.values)).toContain('try again in 30 minutes');
  });

  it('when locked, then even the right answer is refused until the lock expires with the clock', async () => {
    const { clock, service } = await setUp({ maxAttempts: 2, lockMs: 10 * MINUTE });
    const identity = await newIdentity(service);
    for (const digits of ['1111', '2222']) {
      await service.submitUnit(identity.id, '5-2-1203');
      await service.submitPhoneDigits(identity.id, digits);
    }
    clock.advance(9 * MINUTE);

    expect(await service.submitUnit(identity.id, '5-2-1203')).toMatchObject({ outcome: 'locked' });
    expect(await service.startBinding(identity.id)).toMatchObject({ outcome: 'locked' });
    expect(await service.submitPhoneDigits(identity.id, '8000')).toMatchObject({ outcome: 'locked' });

    clock.advance(1 * MINUTE);
    expect(await service.startBinding(identity.id)).toEqual({ outcome: 'ask_unit' });
    expect((await service.getIdentity(identity.id))?.binding).toEqual({ step: 'awaiting_unit', attempts: 0 });
    await service.submitUnit(identity.id, '5-2-1203');
    expect(await service.submitPhoneDigits(identity.id, '8000')).toMatchObject({ outcome: 'verified' });
  });

  it('when the owner cancels midway, then the dialog ends but the attempts used stay counted', async () => {
    const { service } = await setUp();
    const identity = await newIdentity(service);
    await service.submitUnit(identity.id, '5-2-1203');
    await service.submitPhoneDigits(identity.id, '1234');

    expect(await service.cancelBinding(identity.id)).toEqual({ outcome: 'cancelled' });
    expect((await service.getIdentity(identity.id))?.binding).toEqual({ step: 'none', attempts: 1 });
    await service.startBinding(identity.id);
    await service.submitUnit(identity.id, '5-2-1203');
    expect(await service.submitPhoneDigits(identity.id, '4321')).toEqual({
      outcome: 'retry',
      attemptsLeft: 1,
    });
  });

  it('when an owner record is unverified (self-reported), then it is never a binding target', async () => {
    const { service } = await setUp();
    const { owners: Owners } = ownerModels(database().connection);
    const now = new Date();
    await Owners.create({
      householdKey: '6/101/13512345678',
      name: 'Unverified',
      building: '6',
      unit: '101',
      room: '101',
      phone: '13512345678',
      phoneLast4: '5678',
      verified: false,
      source: 'self_reported',
      createdAt: now,
      updatedAt: now,
    });
    const identity = await newIdentity(service);
    await service.submitUnit(identity.id, '6-101');

    expect(await service.submitPhoneDigits(identity.id, '5678')).toEqual({
      outcome: 'no_such_unit',
      attemptsLeft: 2,
    });
  });

  it('when binding succeeds, fails and locks, then no log line carries a phone number or the digits typed', async () => {
    const { service, logLines } = await setUp({ maxAttempts: 2 });
    const good = await newIdentity(service);
    await service.submitUnit(good.id, '5-2-1203');
    await service.submitPhoneDigits(good.id, '13800138000');
    const bad = await newIdentity(service);
    for (const digits of ['9876', '13911117001']) {
      await service.submitUnit(bad.id, '5-2-1203');
      await service.submitPhoneDigits(bad.id, digits);
    }
    await service.markUnreachable('telegram', good.platformUserId, 'blocked');

    // Process id, time and object ids are noise that could contain any four digits by chance.
    const logged = logLines
      .map((line) => {
        const {
          pid: _pid,
          time: _time,
          hostname: _hostname,
          ...rest
        } = JSON.parse(line) as Record<string, unknown>;
        return JSON.stringify(rest).replace(/[0-9a-f]{24}/g, '<id>');
      })
      .join('\n');
    expect(logged).toContain('Owner identity verified');
    expect(logged).toContain('Owner binding locked');
    expect(logged).toContain('Owners imported');
    for (const secret of ['13800138000', '8000', '13911117001', '9876', '1391111', '0000 1111'])
      expect(logged).not.toContain(secret);
  });
});
