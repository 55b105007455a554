import { createHmac } from 'node:crypto';
import { systemClock } from '../../services/clock';
import { createOwnerService } from '../../services/owners/owner-service';
import { useAppProcess } from '../support/app-process';
import { openChatSession } from '../support/browser';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack';
import { startFakeTelegram, type FakeTelegram } from '../support/fake-telegram';

const SECRETS = {
  webhook: 'tg-webhook-secret-scan-9f8e7d',
  signing: 'slack-signing-secret-scan-1a2b3c',
  slackToken: 'xoxb-111111111111-222222222222-scanTokenAbcdef',
  admin: 'admin-token-for-the-log-scan-42',
};
const PHONE = '13900001111';
const PHONE_SHAPES = [/139[\s-]?0000[\s-]?1111/, /13800138000/, /138[\s-]?0013[\s-]?8000/];
const CHANNEL = 'C0ESCALATE';

/**
 * A full run of the real app (Telegram webhook and Slack desk on loopback fakes, debug logs):
 * binding, messages that carry phone numbers, a complaint claimed and answered from Slack, a
 * rate-limited send, desk access, a web chat. Then every log line is searched for tokens, web
 * session secrets and phone numbers.
 */
describe('the logs of a full run', () => {
  let telegram: FakeTelegram;
  let slack: FakeSlack;

  beforeAll(async () => {
    telegram = await startFakeTelegram();
    slack = await startFakeSlack();
  });
  const { app, database, base } = useAppProcess({
    label: 'log-scan',
    seed: async (connection) => {
      await createOwnerService({ connection, clock: systemClock }).importCsv(
        `name,building,unit,phone,language\nAlice Smith,8,1501,+86 139 0000 1111,en\n`,
      );
    },
    env: () => ({
      LOG_LEVEL: 'debug',
      ...telegram.webhookEnv(SECRETS.webhook),
      SLACK_BOT_TOKEN: SECRETS.slackToken,
      SLACK_SIGNING_SECRET: SECRETS.signing,
      SLACK_API_URL: slack.apiUrl,
      SLACK_ESCALATION_CHANNEL: CHANNEL,
      SLACK_STAFF_USER_IDS: 'U0ALICE',
      SLACK_BOT_USER_ID: 'UBOT',
      ADMIN_TOKEN: SECRETS.admin,
      DUTY_PHONE: '0571-8000-0110',
    }),
  });
  // After useAppProcess: the fakes close once the app has stopped.
  afterAll(async () => {
    await telegram.close();
    await slack.close();
  });

  it('when owners bind, send phone numbers and complain, and staff answer, then no log line holds a token or a phone number', async () => {
    let updateId = 1;
    const say = async (chat: number, text: string, secret = SECRETS.webhook) =>
      fetch(`${base()}/telegram/webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
        body: JSON.stringify({ update_id: updateId++, ...telegram.textMessage(chat, text) }),
      });
    const replies = (chat: number, n: number) =>
      telegram.waitFor(() => telegram.sent(chat).length >= n, 20_000);

    await say(901, 'bind');
    await replies(901, 1);
    await say(901, '8-1501');
    await replies(901, 2);
    await say(901, PHONE); // the whole number instead of the last four digits
    await replies(901, 3);
    await say(901, '1111');
    await replies(901, 4);
    expect(
      (await database().connection.collection('identities').findOne({ key: 'telegram:901' }))?.verified,
    ).toBe(true);
    telegram.failNextSend({
      error_code: 429,
      description: 'Too Many Requests: retry after 1',
      parameters: { retry_after: 1 },
    });
    await say(901, 'The water heater leaks, call me on 139 0000 1111 or 138-0013-8000');
    await replies(901, 6);
    await say(902, 'Your receptionist was extremely rude to me, my number is 13800138000, unacceptable');
    await replies(902, 1);
    expect((await say(903, 'hello', 'wrong-secret')).status).toBe(401);

    // Staff claim the complaint from Slack and answer in its thread.
    const reference = /CP-\d{4}-\d{4}/.exec(String(telegram.sent(902)[0]?.params.text))?.[0] as string;
    await slack.waitFor(() => slack.posts(CHANNEL).some((p) => String(p.params.text).includes(reference)));
    const post = slack.posts(CHANNEL).find((p) => String(p.params.text).includes(reference));
    const blocks = post?.params.blocks as Array<{ type: string; elements?: Array<{ value: string }> }>;
    const value = blocks.find((b) => b.type === 'actions')?.elements?.[0]?.value as string;
    await new Promise((resolve) => setTimeout(resolve, 300));
    const slackPost = (body: string, form: boolean) => {
      const timestamp = Math.floor(Date.now() / 1000);
      const signature = `v0=${createHmac('sha256', SECRETS.signing).update(`v0:${timestamp}:${body}`).digest('hex')}`;
      return fetch(`${base()}/slack/events`, {
        method: 'POST',
        headers: {
          'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json',
          'x-slack-signature': signature,
          'x-slack-request-timestamp': String(timestamp),
        },
        body,
      });
    };
    const claim = JSON.stringify({
      type: 'block_actions',
      user: { id: 'U0ALICE', name: 'alice' },
      channel: { id: CHANNEL },
      message: { ts: post?.ts, text: 'escalation' },
      actions: [{ action_id: 'case_claim', value }],
    });
    expect((await slackPost(`payload=${encodeURIComponent(claim)}`, true)).status).toBe(200);
    await replies(902, 2);
    const answer = JSON.stringify({
      type: 'event_callback',
      event_id: 'EvScan1',
      event: {
        type: 'message',
        user: 'U0ALICE',
        text: 'We will call you back on 13800138000 at 5pm.',
        ts: '1700000300.000001',
        thread_ts: post?.ts,
        channel: CHANNEL,
      },
    });
    expect((await slackPost(answer, false)).status).toBe(200);
    await replies(902, 3);

    // A web chat owner: the signed session id is the chat's only secret.
    const web = await openChatSession(base());
    expect((await web.say('The corridor light on floor 3 is broken', 'w1')).status).toBe(202);
    const outbox = database().connection.collection('outbox');
    const webReplyQueued = Date.now() + 20_000;
    while (!(await outbox.findOne({ 'address.channel': 'web' })) && Date.now() < webReplyQueued)
      await new Promise((resolve) => setTimeout(resolve, 200));
    const webEntries = await outbox.find({ 'address.channel': 'web' }).toArray();
    expect(webEntries.length).toBeGreaterThan(0);
    expect(JSON.stringify(webEntries)).not.toContain(web.sessionId.slice(22));

    // The desk, with a wrong and the right token.
    const desk = (password: string) =>
      fetch(`${base()}/desk`, {
        headers: { authorization: `Basic ${Buffer.from(`admin:${password}`).toString('base64')}` },
      });
    expect((await desk('not-the-token')).status).toBe(401);
    expect((await desk(SECRETS.admin)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1500));

    const run = app();
    run.child.kill('SIGTERM');
    expect(await run.waitForExit(15_000)).toBe(0);
    const text = `${run.logs.map((line) => JSON.stringify(line)).join('\n')}\n${run.stderr()}`;
    expect(run.logs.length).toBeGreaterThan(10); // the run did log (start-up, SLA, shutdown)
    for (const secret of [
      ...Object.values(SECRETS),
      telegram.token,
      telegram.token.split(':')[1] as string,
      web.sessionId.slice(22), // the signature half: with it, anyone could write as that owner
    ])
      expect(text).not.toContain(secret);
    for (const shape of PHONE_SHAPES) expect(text).not.toMatch(shape);
  }, 120_000);
});
