import { createFakeClock } from '../../../services/clock';
import { createAuditLog } from '../../../services/privacy/audit-log';
import { bindingCounterModel } from '../../../services/owners/binding-guard-store';
import { DEFAULT_BINDING_POLICY, createOwnerService } from '../../../services/owners/owner-service';
import type { BindingResult } from '../../../services/owners/owner-service';
import { useTestDatabase } from '../../support/database';

const database = useTestDatabase();

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const OWNER_FILE = [
  'name,building,unit,phone,language',
  '张伟,5,2-1203,13800138000,zh',
  '孙丽,6,1101,13700006543,zh',
  '周强,7,808,13600004321,zh',
].join('\n');

async function setUp() {
  await bindingCounterModel(database().connection).deleteMany({});
  const clock = createFakeClock();
  const service = createOwnerService({ connection: database().connection, clock });
  await service.importCsv(OWNER_FILE);
  return { clock, service };
}

type Service = Awaited<ReturnType<typeof setUp>>['service'];

let users = 0;
/** A new chat identity (a new web session, a new Telegram account): its own attempts are fresh. */
async function newIdentity(service: Service) {
  users++;
  return service.identify({
    channel: 'web',
    platformUserId: `guard-${users}`,
    address: { channel: 'web', conversationId: `guard-${users}` },
  });
}

/** One guess from a fresh identity: the unit, then the digits. */
async function guess(
  service: Service,
  unit: string,
  digits: string,
  clientAddress?: string,
): Promise<BindingResult> {
  const identity = await newIdentity(service);
  const context = clientAddress ? { clientAddress } : {};
  const asked = await service.submitUnit(identity.id, unit, context);
  if (asked.outcome !== 'ask_phone') return asked;
  return service.submitPhoneDigits(identity.id, digits, context);
}

const counterOf = async (key: string) => bindingCounterModel(database().connection).findOne({ key }).lean();

describe('binding failures counted per unit and per client address', () => {
  it('when new identities keep guessing one unit, then waits grow, then the unit locks, and even the right digits are not compared meanwhile', async () => {
    const { clock, service } = await setUp();
    const outcomes: string[] = [];
    for (const digits of ['0001', '0002', '0003'])
      outcomes.push((await guess(service, '5-2-1203', digits)).outcome);
    expect(outcomes).toEqual(['retry', 'retry', 'retry']);

    expect(await guess(service, '5-2-1203', '8000')).toEqual({
      outcome: 'wait',
      until: new Date(clock.now().getTime() + MINUTE),
    });
    clock.advance(MINUTE);
    expect((await guess(service, '5-1203', '0004')).outcome).toBe('retry'); // the entrance left out: one unit
    expect(await guess(service, '5-2-1203', '0005')).toMatchObject({ outcome: 'wait' });
    clock.advance(2 * MINUTE);
    expect((await guess(service, '5-2-1203', '0005')).outcome).toBe('retry');
    clock.advance(4 * MINUTE);
    expect((await guess(service, '5-2-1203', '0006')).outcome).toBe('retry');

    expect(await guess(service, '5-2-1203', '8000')).toEqual({
      outcome: 'locked',
      lockedUntil: new Date(clock.now().getTime() + HOUR),
    });
    clock.advance(HOUR);
    expect((await guess(service, '5-2-1203', '0007')).outcome).toBe('retry');
    expect(await guess(service, '5-2-1203', '8000')).toEqual({
      outcome: 'locked',
      lockedUntil: new Date(clock.now().getTime() + 2 * HOUR),
    });
    expect(await counterOf('unit:5/1203')).toMatchObject({ failures: 7 });
  });

  it('when a unit that is not on file is guessed, then it pauses exactly as a real one does', async () => {
    const { service } = await setUp();
    const real: string[] = [];
    const unknown: string[] = [];
    for (const digits of ['0001', '0002', '0003', '0004']) {
      real.push((await guess(service, '7-808', digits)).outcome);
      unknown.push((await guess(service, '7-809', digits)).outcome);
    }
    expect(real).toEqual(['retry', 'retry', 'retry', 'wait']);
    expect(unknown).toEqual(['no_such_unit', 'no_such_unit', 'no_such_unit', 'wait']);
  });

  it('when one client address guesses across many units, then it waits after 5 failures and locks after 10', async () => {
    const { clock, service } = await setUp();
    const address = '198.51.100.7';
    const outcomes: string[] = [];
    for (let i = 0; i < 5; i++)
      outcomes.push((await guess(service, `20-${100 + i}`, '1234', address)).outcome);
    expect(outcomes).toEqual(Array(5).fill('no_such_unit'));
    expect(await guess(service, '21-100', '1234', address)).toMatchObject({ outcome: 'wait' });
    // Another address is not held back.
    expect((await guess(service, '21-100', '1234', '198.51.100.8')).outcome).toBe('no_such_unit');

    for (const waitMs of [1, 2, 4, 8, 16].map((m) => m * MINUTE)) {
      clock.advance(waitMs);
      expect((await guess(service, `22-${waitMs}`, '1234', address)).outcome).toBe('no_such_unit');
    }
    expect(await guess(service, '6-1101', '6543', address)).toMatchObject({ outcome: 'locked' });
    expect(await counterOf('address:198.51.100.7')).toMatchObject({ failures: 10 });
  });

  it('when 30 guesses on one unit arrive at once, then at most the free three are compared', async () => {
    const { service } = await setUp();
    const identities = await Promise.all(Array.from({ length: 30 }, () => newIdentity(service)));
    await Promise.all(identities.map((identity) => service.submitUnit(identity.id, '6-1101')));

    const results = await Promise.all(
      identities.map((identity, i) => service.submitPhoneDigits(identity.id, String(1000 + i))),
    );

    const compared = results.filter((result) => result.outcome === 'retry');
    expect(compared.length).toBeGreaterThan(0);
    expect(compared.length).toBeLessThanOrEqual(3);
    expect(results.filter((result) => result.outcome === 'wait')).toHaveLength(30 - compared.length);
    expect((await counterOf('unit:6/1101'))?.failures).toBe(compared.length);
  });

  it('when the right digits follow others’ failures, then the owner binds and the success is not counted', async () => {
    const { service } = await setUp();
    await guess(service, '6-1101', '0000', '192.0.2.1');
    await guess(service, '6-1101', '1111', '192.0.2.1');

    expect(await guess(service, '6-1101', '6543', '192.0.2.1')).toMatchObject({ outcome: 'verified' });
    expect(await counterOf('unit:6/1101')).toMatchObject({ failures: 2 });
    expect(await counterOf('address:192.0.2.1')).toMatchObject({ failures: 2 });
  });

  it('when a day passes without failures, then the unit starts over and the purge deletes its counter', async () => {
    const { clock, service } = await setUp();
    for (const digits of ['0001', '0002', '0003']) await guess(service, '7-808', digits);
    expect(await guess(service, '7-808', '4321')).toMatchObject({ outcome: 'wait' });
    expect(await service.bindingLocks()).toEqual([
      expect.objectContaining({ key: 'unit:7/808', scope: 'unit', kind: 'wait', failures: 3 }),
    ]);

    clock.advance(DEFAULT_BINDING_POLICY.windowMs);
    expect(await service.bindingLocks()).toEqual([]);
    expect(await service.purgeBindingCounters()).toBe(1);
    expect(await counterOf('unit:7/808')).toBeNull();
    expect(await guess(service, '7-808', '4321')).toMatchObject({ outcome: 'verified' });
  });
});

describe('staff lifting a binding lock-out', () => {
  it('when staff lift a locked unit, then the next try is compared again and the lift is audited with who did it', async () => {
    const { clock, service } = await setUp();
    for (let i = 0; i < 6; i++) {
      clock.advance(HOUR);
      await guess(service, '6-1101', `000${i}`);
    }
    expect(await guess(service, '6-1101', '6543')).toMatchObject({ outcome: 'locked' });

    expect(await service.liftBindingLockForUnit('6栋1101', 'desk:王经理')).toEqual({
      found: true,
      target: 'unit:6/1101',
      lifted: ['unit'],
    });
    expect(await guess(service, '6-1101', '6543')).toMatchObject({ outcome: 'verified' });
    const [entry] = await createAuditLog({ connection: database().connection, clock }).recent({
      target: 'unit:6/1101',
    });
    expect(entry).toMatchObject({ actor: 'desk:王经理', action: 'owners.unlock', outcome: 'ok' });
    await expect(service.liftBindingLockForUnit('no unit here', 'cli')).rejects.toMatchObject({
      code: 'unit_invalid',
    });
  });

  it('when staff lift an identity, then it gets fresh attempts and its client address is lifted too', async () => {
    const { service } = await setUp();
    const address = '203.0.113.50';
    for (let i = 0; i < 2; i++) await guess(service, `30-${i}`, '1234', address);
    const identity = await newIdentity(service);
    for (const digits of ['1111', '2222', '3333']) {
      await service.submitUnit(identity.id, `31-${digits}`, { clientAddress: address });
      await service.submitPhoneDigits(identity.id, digits, { clientAddress: address });
    }
    expect(await service.startBinding(identity.id)).toMatchObject({ outcome: 'locked' });
    expect(await guess(service, '6-1101', '6543', address)).toMatchObject({ outcome: 'wait' });

    const report = await service.liftBindingLockForIdentity(identity.key, 'cli');

    expect(report).toEqual({ found: true, target: identity.key, lifted: ['identity', 'address'] });
    expect(await service.startBinding(identity.id)).toEqual({ outcome: 'ask_unit' });
    expect(await counterOf('address:203.0.113.50')).toBeNull();
    await service.submitUnit(identity.id, '6-1101', { clientAddress: address });
    expect(await service.submitPhoneDigits(identity.id, '6543', { clientAddress: address })).toMatchObject({
      outcome: 'verified',
    });
    expect(await service.liftBindingLockForIdentity('web:nobody', 'cli')).toEqual({
      found: false,
      target: 'web:nobody',
      lifted: [],
    });
  });
});
