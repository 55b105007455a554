import { useAppProcess } from '../support/app-process';
import { startFakeTelegram, type FakeTelegram } from '../support/fake-telegram';

const SECRET = 'malformed-webhook-secret-42';

/**
 * Updates that carry the right webhook secret but are not what Telegram sends: each gets a 400
 * with its reason and nothing is stored; text is capped and cleaned as on every channel.
 */
describe('signed but malformed Telegram updates (the real app)', () => {
  let telegram: FakeTelegram;
  beforeAll(async () => {
    telegram = await startFakeTelegram();
  });
  const { database, base } = useAppProcess({
    label: 'malformed',
    env: () => telegram.webhookEnv(SECRET),
  });
  afterAll(async () => {
    await telegram.close();
  });

  const deliver = (update: unknown) =>
    fetch(`${base()}/telegram/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
      body: JSON.stringify(update),
    });

  it('when a signed update has fields of the wrong type, then 400 with the reason, never 500, and nothing is stored', async () => {
    const good = telegram.textMessage(5001, 'hello') as { message: Record<string, unknown> };
    const cases: Array<[string, unknown]> = [
      ['message.text', { update_id: 1, message: { ...good.message, text: { $gt: '' } } }],
      ['message.date', { update_id: 2, message: { ...good.message, date: 'yesterday' } }],
      [
        'message.chat.id',
        { update_id: 3, message: { ...good.message, chat: { id: { x: 1 }, type: 'private' } } },
      ],
      [
        'callback_query.from',
        {
          update_id: 4,
          callback_query: {
            id: 'q1',
            data: 'menu',
            message: { message_id: 1, chat: { id: 5001, type: 'private' } },
          },
        },
      ],
      ['update_id', { update_id: 'five', message: good.message }],
    ];
    for (const [field, update] of cases) {
      const response = await deliver(update);
      expect(response.status).toBe(400);
      const body = (await response.json()) as { error: string; message: string };
      expect(body.error).toBe('invalid_update');
      expect(body.message).toContain(field);
    }
    const messages = database().connection.collection('messages');
    expect(await messages.countDocuments({ channel: 'telegram' })).toBe(0);
    expect(await messages.countDocuments({ conversationId: /object/ })).toBe(0);
    // The channel still works.
    expect(
      (await deliver({ update_id: 10, ...telegram.textMessage(5001, 'How do I pay the property fee?') }))
        .status,
    ).toBe(200);
    await telegram.waitFor(() => telegram.sent(5001).length === 1);
  });

  it('when a signed update carries 10,000 characters and control bytes, then the stored text is cleaned and capped at 4,000', async () => {
    const text = `The lift is broken\u0000\u0007 ${'很'.repeat(10_000)}`;
    expect((await deliver({ update_id: 20, ...telegram.textMessage(5002, text) })).status).toBe(200);
    const stored = await database().connection.collection('messages').findOne({ conversationId: '5002' });
    expect(stored?.text).toHaveLength(4000);
    expect(stored?.text).toMatch(/^The lift is broken 很/);
    expect(stored?.text).not.toContain('\u0000');
    expect(stored?.text).not.toContain('\u0007');
    expect(stored?.text.endsWith('…')).toBe(true);
  });
});
