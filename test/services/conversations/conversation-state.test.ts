import { createFakeClock } from '../../../services/clock';
import { createConversationStates } from '../../../services/conversations/conversation-state';
import { useTestDatabase } from '../../support/database';

const database = useTestDatabase();

describe('conversation states', () => {
  it('when a state is changed elsewhere or deleted, then it reads what is stored and a deleted one is created again', async () => {
    const clock = createFakeClock('2026-11-22T02:00:00Z');
    const states = createConversationStates({ connection: database().connection, clock });
    const collection = database().connection.collection('conversation_states');
    await states.ask('telegram:cs-1', { kind: 'clarify', choices: ['consulting'], text: 'hm' });
    expect((await states.get('telegram:cs-1')).pending?.kind).toBe('clarify');

    await collection.updateOne({ key: 'telegram:cs-1' }, { $set: { clarificationsAsked: 4 } });
    expect((await states.get('telegram:cs-1')).clarificationsAsked).toBe(4);
    await states.clearPending('telegram:cs-1', { resetClarifications: true });
    expect(await collection.findOne({ key: 'telegram:cs-1' })).toMatchObject({ clarificationsAsked: 0 });

    await collection.deleteMany({ key: 'telegram:cs-1' });
    expect((await states.get('telegram:cs-1')).pending).toBeUndefined();
    await states.ask('telegram:cs-1', { kind: 'menu', choices: ['a', 'b'], text: '' });
    await states.noteFollowUpAck('telegram:cs-1');
    expect(await collection.countDocuments({ key: 'telegram:cs-1' })).toBe(1);
    expect(await states.get('telegram:cs-1')).toMatchObject({
      pending: { kind: 'menu', choices: ['a', 'b'] },
      lastFollowUpAckAt: clock.now(),
    });
  });

  it('when a new key gets several changes at once, then one document holds them all', async () => {
    const clock = createFakeClock('2026-11-22T02:00:00Z');
    const states = createConversationStates({ connection: database().connection, clock });
    const collection = database().connection.collection('conversation_states');

    await Promise.all([
      ...[1, 2, 3, 4].map(() =>
        states.ask(
          'web:cs-race',
          { kind: 'clarify', choices: ['consulting'], text: 'hm' },
          { countsAsClarification: true },
        ),
      ),
      states.noteRelayNotice('web:cs-race', 'case-1'),
    ]);

    expect(await collection.countDocuments({ key: 'web:cs-race' })).toBe(1);
    expect(await states.get('web:cs-race')).toMatchObject({
      pending: { kind: 'clarify', choices: ['consulting'], text: 'hm' },
      clarificationsAsked: 4,
      lastRelayNoticeCaseId: 'case-1',
    });
  });
});
