import { useAppProcess } from '../../support/app-process';
import { startFakeSlack, type FakeSlack } from '../../support/fake-slack';
import { startFakeTelegram, type FakeTelegram } from '../../support/fake-telegram';

describe('Telegram in webhook mode (fake Bot API on loopback)', () => {
  let fake: FakeTelegram;
  let slack: FakeSlack;
  const secret = 'webhook-secret-123';

  beforeAll(async () => {
    fake = await startFakeTelegram();
    slack = await startFakeSlack();
  });
  const { database, base } = useAppProcess({
    label: 'telegram-webhook',
    env: () => ({
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.apiRoot,
      TELEGRAM_WEBHOOK_SECRET: secret,
      SLACK_API_URL: slack.apiUrl,
      // Escalations go to the staff channel through the outbox (the Slack desk sends them).
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_SIGNING_SECRET: 'test-signing-secret',
      SLACK_ESCALATION_CHANNEL: 'C0ESCALATE',
    }),
  });
  // After useAppProcess: the fakes close once the app has stopped.
  afterAll(async () => {
    await fake.close();
    await slack.close();
  });

  const count = (collection: string, filter: Record<string, unknown>) =>
    database().connection.collection(collection).countDocuments(filter);

  const deliver = (update: unknown, token: string | null = secret) =>
    fetch(`${base()}/telegram/webhook`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { 'x-telegram-bot-api-secret-token': token } : {}),
      },
      body: JSON.stringify(update),
    });

  it('when the secret is wrong or missing, then 401 and nothing is handled', async () => {
    const update = { update_id: 1, ...fake.textMessage(501, 'The lift is broken, please fix') };
    expect((await deliver(update, 'wrong')).status).toBe(401);
    expect((await deliver(update, null)).status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(fake.sent(501)).toHaveLength(0);
  });

  it('when an owner reports a fault, then 200 at once and the reply is sent through the Bot API', async () => {
    const update = {
      update_id: 2,
      ...fake.textMessage(502, 'The kitchen sink in 5-1203 is blocked, please send a plumber'),
    };
    const response = await deliver(update);
    expect(response.status).toBe(200);
    await fake.waitFor(() => fake.sent(502).length === 1);
    expect(String(fake.sent(502)[0]?.params.text)).toMatch(/repair request \(case WO-\d{4}-\d{4}\)/);

    // Telegram retries the same update: still one reply.
    expect((await deliver(update)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(fake.sent(502)).toHaveLength(1);
  });

  it('when a complaint arrives twice, then one stored message, one case, one reply in the owner language and one escalation', async () => {
    const update = { update_id: 20, ...fake.textMessage(520, '你们前台今天态度太差了，太不像话') };
    expect((await deliver(update)).status).toBe(200);
    await fake.waitFor(() => fake.sent(520).length === 1);
    expect((await deliver(update)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(fake.sent(520)).toHaveLength(1);
    expect(String(fake.sent(520)[0]?.params.text)).toMatch(/非常抱歉.*编号 CP-\d{4}-\d{4}/s);
    expect(await count('messages', { channel: 'telegram', conversationId: '520' })).toBe(1);
    expect(await count('tickets', { identityKey: 'telegram:520', kind: 'complaint' })).toBe(1);
    // One escalation entry, whether the dispatcher has sent it yet or not, and the staff
    // channel is told once.
    const reference = /CP-\d{4}-\d{4}/.exec(String(fake.sent(520)[0]?.params.text))?.[0] ?? 'no reference';
    const escalated = () =>
      slack.posts('C0ESCALATE').filter((post) => String(post.params.text).includes(reference));
    await slack.waitFor(() => escalated().length > 0);
    const ticket = await database().connection.collection('tickets').findOne({ identityKey: 'telegram:520' });
    expect(
      await count('outbox', {
        purpose: 'escalation',
        caseId: String(ticket?._id),
        'address.conversationId': 'C0ESCALATE',
      }),
    ).toBe(1);
    expect(escalated()).toHaveLength(1);
  });

  it('when updates are malformed, then each gets a clear 2xx or 4xx and the next good one is still handled', async () => {
    const raw = (body: string) =>
      fetch(`${base()}/telegram/webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
        body,
      });
    expect((await raw('{not json')).status).toBe(400);
    expect((await raw('{}')).status).toBe(400);
    expect((await deliver({ update_id: 30, poll: { id: 'p' } })).status).toBe(200);
    expect(
      (
        await deliver({
          update_id: 31,
          message: { message_id: 1, date: 0, chat: { id: 530, type: 'private' } },
        })
      ).status,
    ).toBe(200);
    expect((await deliver({ update_id: 32, ...fake.textMessage(531, 'x'.repeat(100_000)) })).status).toBe(
      200,
    );
    await deliver({ update_id: 33, ...fake.textMessage(532, 'How do I pay the property fee?') });
    await fake.waitFor(() => fake.sent(532).length === 1);
    expect((await fetch(`${base()}/healthz`)).status).toBe(200);
  });

  it('when Telegram answers 429 with retry_after, then the reply is sent again after the wait', async () => {
    // Aimed at this chat: a late reply from an earlier test must not take the 429.
    fake.failNextSend({
      error_code: 429,
      description: 'Too Many Requests: retry after 1',
      parameters: { retry_after: 1 },
      chatId: 540,
    });
    await deliver({ update_id: 40, ...fake.textMessage(540, 'How do I pay the property fee?') });
    await fake.waitFor(() => fake.sent(540).length === 2, 20_000);
    const [first, second] = fake.calls.filter(
      (c) => c.method === 'sendMessage' && Number(c.params.chat_id) === 540,
    );
    expect(first?.params.text).toBe(second?.params.text);
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(1000); // nothing before retry_after
  }, 30_000);

  it('when the owner asks for the menu and presses a button, then buttons are an inline keyboard and the callback is answered', async () => {
    await deliver({ update_id: 3, ...fake.textMessage(503, '/start') });
    await fake.waitFor(() => fake.sent(503).length === 1);
    const keyboard = fake.sent(503)[0]?.params.reply_markup as {
      inline_keyboard: Array<Array<{ callback_data: string }>>;
    };
    expect(keyboard.inline_keyboard.flat().map((b) => b.callback_data)).toContain('menu:cases');

    await deliver({
      update_id: 4,
      callback_query: {
        id: 'cbq-1',
        from: { id: 503, is_bot: false, first_name: 'Owner' },
        message: { message_id: 1, date: 0, chat: { id: 503, type: 'private' } },
        chat_instance: 'x',
        data: 'menu:cases',
      },
    });
    await fake.waitFor(() =>
      fake.calls.some((c) => c.method === 'answerCallbackQuery' && c.params.callback_query_id === 'cbq-1'),
    );
    await fake.waitFor(() => fake.sent(503).length === 2);
    expect(String(fake.sent(503)[1]?.params.text)).toMatch(/no open cases|没有/i);
  });

  it('when a photo comes with a caption, then the caption is the message and the photo joins the case', async () => {
    await deliver({
      update_id: 5,
      ...fake.textMessage(504, '', {
        text: undefined,
        caption: 'Water leaking from the ceiling of my bathroom, please check',
        photo: [
          { file_id: 'small', file_unique_id: 's', width: 90, height: 90 },
          { file_id: 'large-photo-id', file_unique_id: 'l', width: 1280, height: 960 },
        ],
      }),
    });
    await fake.waitFor(() => fake.sent(504).length === 1);
    expect(String(fake.sent(504)[0]?.params.text)).toMatch(/case WO-/);
  });

  it('when a group message arrives, then it is ignored', async () => {
    await deliver({
      update_id: 6,
      message: {
        message_id: 9,
        date: 0,
        chat: { id: -100, type: 'group', title: 'Residents' },
        from: { id: 505, is_bot: false, first_name: 'Owner' },
        text: 'The lift is broken',
      },
    });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(
      fake.calls.filter((c) => c.method === 'sendMessage' && Number(c.params.chat_id) === -100),
    ).toHaveLength(0);
  });

  it('when the owner blocked the bot (403), then the send is not retried', async () => {
    fake.failNextSend({ error_code: 403, description: 'Forbidden: bot was blocked by the user' });
    await deliver({ update_id: 7, ...fake.textMessage(506, 'How do I pay the property fee?') });
    await fake.waitFor(() => fake.sent(506).length === 1);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(fake.sent(506)).toHaveLength(1);
  });
});

describe('Telegram in long-polling mode', () => {
  let fake: FakeTelegram;

  beforeAll(async () => {
    fake = await startFakeTelegram();
  });
  useAppProcess({
    label: 'telegram-polling',
    env: () => ({ TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.apiRoot }),
  });
  afterAll(() => fake.close());

  it('when no webhook secret is set, then updates are fetched with getUpdates and answered', async () => {
    fake.update(fake.textMessage(601, '物业费怎么交？'));
    await fake.waitFor(() => fake.sent(601).length === 1, 20_000);
    expect(String(fake.sent(601)[0]?.params.text)).toContain('公众号');
    expect(fake.calls.some((c) => c.method === 'deleteWebhook')).toBe(true);
  }, 90_000);
});
