import { createFakeClock } from '../../../services/clock';
import { createHandlingLease } from '../../../services/messages/handling-lease';
import { messageModel } from '../../../services/messages/message-model';
import { useTestDatabase } from '../../support/database';

const database = useTestDatabase();

async function storedMessage(id: string, at: Date) {
  const { _id } = await messageModel(database().connection).create({
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
});
