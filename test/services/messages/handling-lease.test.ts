import { createFakeClock } from '../../../services/clock';
import { createHandlingLease } from '../../../services/messages/handling-lease';
import { messageModel } from '../../../services/messages/message-model';
import { expectStoredAsSchemaWould, useTestDatabase } from '../../support/database';

const database = useTestDatabase();

async function storedMessage(id: string, at: Date, lease: object = {}) {
  const { _id } = await messageModel(database().connection).create({
    ...lease,
    key: `web:${id}`,
    channel: 'web',
    platformMessageId: id,
    conversationId: 'chat-1',
    senderId: 'visitor-1',
    text: `message ${id}`,
    receivedAt: at,
  });
  return _id;
}

describe('handling lease', () => {
  it('when a handled message is settled, then it is stored as the schema would store it, understanding and time of change included', async () => {
    const clock = createFakeClock();
    const connection = database().connection;
    const lease = createHandlingLease({ connection, clock, leaseMs: 60_000 });
    const id = await storedMessage('l-settle', clock.now());
    const claim = await lease.claim(id);
    if (!claim) throw new Error('the free message was not claimed');
    clock.advance(1_500);
    const understanding = {
      intent: 'help_seeking',
      confidence: 0.91,
      category: 'equipment',
      fallback: false,
    };
    const extra = { ...understanding, tokens: ['sink'] }; // more than the schema keeps
    expect(await lease.settle(claim, { outcome: 'case_opened', caseId: 'c-1', understanding: extra })).toBe(
      true,
    );

    const stored = await connection.collection('messages').findOne({ _id: id });
    expect(stored).toMatchObject({
      status: 'processed',
      understanding,
      processedAt: clock.now(),
      updatedAt: clock.now(),
    });
    await expectStoredAsSchemaWould(messageModel(connection) as never, stored);
  });

  it('when two holders claim one free message at once, then exactly one gets it until it settles or its lease ends', async () => {
    const clock = createFakeClock();
    const connection = database().connection;
    const first = createHandlingLease({ connection, clock, leaseMs: 60_000 });
    const second = createHandlingLease({ connection, clock, leaseMs: 60_000 });
    const id = await storedMessage('l-1', clock.now());

    const claims = await Promise.all([first.claim(id), second.claim(id)]);

    const won = claims.filter((claim) => claim !== undefined);
    expect(won).toHaveLength(1);
    const [winner] = won;
    if (!winner) throw new Error('nobody won the claim');
    expect(winner).toMatchObject({ attempt: 1, record: { attempts: 1, status: 'received' } });
    expect([first.holder, second.holder]).toContain(winner.holder);
    expect(await first.claim(id)).toBeUndefined(); // leased
    clock.advance(60_001);
    const taken = await second.claim(id);
    if (!taken) throw new Error('the expired lease was not taken over');
    expect(taken).toMatchObject({ attempt: 2, holder: second.holder });
    expect(await first.settle(winner, { outcome: 'late' })).toBe(false);
    expect(await second.settle(taken, { outcome: 'answered' })).toBe(true);
    expect(await first.claim(id)).toBeUndefined(); // processed
    expect(await messageModel(connection).findById(id).lean()).toMatchObject({
      status: 'processed',
      outcome: 'answered',
      attempts: 2,
      holder: '',
    });
  });

  it('when a message is stored taken on arrival, then its holder handles it without a claim while half its lease is left, renews it after, and loses it once taken over', async () => {
    const clock = createFakeClock();
    const connection = database().connection;
    const receiver = createHandlingLease({ connection, clock, leaseMs: 60_000 });
    const other = createHandlingLease({ connection, clock, leaseMs: 60_000 });
    const arrival = receiver.onArrival();
    const id = await storedMessage('l-2', clock.now(), arrival);
    const record = await messageModel(connection).findById(id).lean();
    if (!record) throw new Error('not stored');
    const taken = { record, holder: receiver.holder, attempt: 1, leaseUntil: arrival.leaseUntil.getTime() };

    expect(await other.claim(id)).toBeUndefined(); // taken on arrival: not free
    clock.advance(20_000);
    expect(await receiver.keep(taken)).toBe(taken); // 40 s left: no write
    clock.advance(20_000);
    const renewed = await receiver.keep(taken);
    expect(renewed?.leaseUntil).toBe(clock.now().getTime() + 60_000);
    expect((await messageModel(connection).findById(id).lean())?.leaseUntil).toEqual(
      new Date(renewed!.leaseUntil),
    );

    clock.advance(60_001);
    const takenOver = await other.claim(id);
    expect(takenOver).toMatchObject({ attempt: 2, holder: other.holder });
    expect(await receiver.keep(renewed!)).toBeUndefined();
    expect(await receiver.settle(renewed!, { outcome: 'late' })).toBe(false);
  });

  it('when messages taken on arrival are let go, then they are free again for any holder, as if never taken', async () => {
    const clock = createFakeClock();
    const connection = database().connection;
    const receiver = createHandlingLease({ connection, clock, leaseMs: 60_000 });
    const other = createHandlingLease({ connection, clock, leaseMs: 60_000 });
    const arrival = receiver.onArrival();
    const ids = [
      await storedMessage('l-3', clock.now(), arrival),
      await storedMessage('l-4', clock.now(), arrival),
    ];
    const record = await messageModel(connection).findById(ids[0]).lean();
    if (!record) throw new Error('not stored');

    await receiver.letGo([
      { record, holder: receiver.holder, attempt: 1, leaseUntil: arrival.leaseUntil.getTime() },
    ]);
    expect(await receiver.letGoOfStore('web:l-4', arrival)).toBe(true);
    expect(await receiver.letGoOfStore('web:l-404', arrival)).toBe(false);

    for (const id of ids) expect(await other.claim(id)).toMatchObject({ attempt: 1, holder: other.holder });
  });
});
