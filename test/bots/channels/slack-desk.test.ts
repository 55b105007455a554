import { createHmac } from 'node:crypto';
import { useAppProcess } from '../../support/app-process';
import { startFakeSlack, type FakeSlack } from '../../support/fake-slack';
import { startFakeTelegram, type FakeTelegram } from '../../support/fake-telegram';

const SIGNING_SECRET = 'slack-signing-secret-for-tests';
const CHANNEL = 'C0ESCALATE';
const ALICE = 'U0ALICE';
const BOB = 'U0BOB';

describe('Slack staff desk end to end (fake Telegram, fake Slack, signed requests)', () => {
  let telegram: FakeTelegram;
  let slack: FakeSlack;

  beforeAll(async () => {
    telegram = await startFakeTelegram();
    slack = await startFakeSlack();
  });
  const { base } = useAppProcess({
    label: 'slack-desk',
    env: () => ({
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      TELEGRAM_WEBHOOK_SECRET: 'tg-secret',
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      SLACK_ESCALATION_CHANNEL: CHANNEL,
      SLACK_STAFF_USER_IDS: `${ALICE},${BOB}`,
      SLACK_ONCALL_GROUP: 'S0ONCALL',
      SLACK_SUPERVISOR_USER_IDS: 'U0SUPER',
      SLACK_BOT_USER_ID: 'UBOT',
    }),
  });
  // After useAppProcess: the fakes close once the app has stopped.
  afterAll(async () => {
    await telegram.close();
    await slack.close();
  });

  /** Posts to /slack/events signed exactly as Slack signs (v0, HMAC-SHA256 over v0:ts:body). */
  function slackRequest(
    body: string,
    options: { form?: boolean; age?: number; secret?: string; retry?: number } = {},
  ) {
    const timestamp = Math.floor(Date.now() / 1000) - (options.age ?? 0);
    const signature = `v0=${createHmac('sha256', options.secret ?? SIGNING_SECRET)
      .update(`v0:${timestamp}:${body}`)
      .digest('hex')}`;
    return fetch(`${base()}/slack/events`, {
      method: 'POST',
      headers: {
        'content-type': options.form ? 'application/x-www-form-urlencoded' : 'application/json',
        'x-slack-signature': signature,
        'x-slack-request-timestamp': String(timestamp),
        ...(options.retry ? { 'x-slack-retry-num': String(options.retry) } : {}),
      },
      body,
    });
  }
  const blockAction = (user: string, value: string, ts: string) =>
    `payload=${encodeURIComponent(
      JSON.stringify({
        type: 'block_actions',
        user: { id: user, name: user === ALICE ? 'alice' : 'mallory' },
        channel: { id: CHANNEL },
        message: { ts, text: 'escalation' },
        actions: [{ action_id: 'ownerbot_0', value }],
      }),
    )}`;
  const threadReply = (user: string, text: string, threadTs: string, ts: string) =>
    JSON.stringify({
      type: 'event_callback',
      event_id: `Ev${ts}`,
      event: { type: 'message', user, text, ts, thread_ts: threadTs, channel: CHANNEL },
    });

  /** A complaint on Telegram and its escalation on Slack: the claim button value and the message ts. */
  async function complaint(chatId: number) {
    await fetch(`${base()}/telegram/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 'tg-secret' },
      body: JSON.stringify({
        update_id: chatId,
        ...telegram.textMessage(chatId, 'Your receptionist was extremely rude to me today, unacceptable'),
      }),
    });
    await telegram.waitFor(() => telegram.sent(chatId).length === 1);
    const reference = /CP-\d{4}-\d{4}/.exec(String(telegram.sent(chatId)[0]?.params.text))?.[0] as string;
    await slack.waitFor(() => slack.posts(CHANNEL).some((p) => String(p.params.text).includes(reference)));
    const index = slack.calls.findIndex(
      (c) => c.method === 'chat.postMessage' && String(c.params.text).includes(reference),
    );
    const post = slack.calls[index];
    const blocks = post?.params.blocks as Array<{ type: string; elements?: Array<{ value: string }> }>;
    const value = blocks.find((b) => b.type === 'actions')?.elements?.[0]?.value as string;
    const ts = post?.ts as string;
    // The dispatcher records the thread right after Slack's answer; a person clicks far later.
    await new Promise((resolve) => setTimeout(resolve, 300));
    return { reference, value, ts };
  }

  it('when forged, stale or from non-staff, then nothing changes', async () => {
    const { value, ts } = await complaint(701);
    expect((await slackRequest(blockAction(ALICE, value, ts), { form: true, secret: 'wrong' })).status).toBe(
      401,
    );
    expect((await slackRequest(blockAction(ALICE, value, ts), { form: true, age: 6 * 60 })).status).toBe(401);
    expect((await slackRequest(blockAction('U0MALLORY', value, ts), { form: true })).status).toBe(200);
    await slack.waitFor(() =>
      slack.calls.some((c) => c.method === 'chat.postEphemeral' && c.params.user === 'U0MALLORY'),
    );
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(telegram.sent(701)).toHaveLength(1); // the owner heard of no claim
  });

  it('when staff claim from Slack and reply in the thread, then the owner hears both on Telegram; notes and retries do not leak', async () => {
    const { reference, value, ts } = await complaint(702);
    expect((await slackRequest(blockAction(ALICE, value, ts), { form: true })).status).toBe(200);
    await telegram.waitFor(() => telegram.sent(702).length === 2);
    expect(String(telegram.sent(702)[1]?.params.text)).toContain(`Your case ${reference} is now with alice`);
    expect(slack.calls.some((c) => c.method === 'chat.update' && c.params.ts === ts)).toBe(true);

    expect(
      (await slackRequest(threadReply(ALICE, 'note: called the front desk manager', ts, '1700000100.000001')))
        .status,
    ).toBe(200);
    const reply = threadReply(
      ALICE,
      'We are sorry. The manager will call you at 5pm.',
      ts,
      '1700000100.000002',
    );
    expect((await slackRequest(reply)).status).toBe(200);
    expect((await slackRequest(reply, { retry: 1 })).status).toBe(200);
    await telegram.waitFor(() => telegram.sent(702).length === 3);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(telegram.sent(702).map((c) => String(c.params.text))).toEqual([
      expect.any(String),
      expect.any(String),
      `[${reference}] ${ALICE}: We are sorry. The manager will call you at 5pm.`,
    ]);
    expect(
      slack.calls.some((c) => c.method === 'reactions.add' && c.params.timestamp === '1700000100.000002'),
    ).toBe(true);
  }, 60_000);

  const viewSubmission = (user: string, callbackId: string, values: Record<string, string>) =>
    `payload=${encodeURIComponent(
      JSON.stringify({
        type: 'view_submission',
        user: { id: user, name: 'alice' },
        view: {
          callback_id: callbackId,
          state: {
            values: Object.fromEntries(
              Object.entries(values).map(([block, value]) => [
                block,
                {
                  [block]: ['intent', 'category'].includes(block)
                    ? { selected_option: { value } }
                    : { value },
                },
              ]),
            ),
          },
        },
      }),
    )}`;

  it('when a complaint is resolved from Slack, then the form insists on the summary and the owner is told', async () => {
    const { reference, value, ts } = await complaint(703);
    const caseId = value.split(':')[2] as string;
    await slackRequest(blockAction(ALICE, value, ts), { form: true });
    await telegram.waitFor(() => telegram.sent(703).length === 2);
    await slackRequest(
      `payload=${encodeURIComponent(
        JSON.stringify({
          type: 'block_actions',
          trigger_id: 'trigger-1',
          user: { id: ALICE, name: 'alice' },
          channel: { id: CHANNEL },
          message: { ts, text: 'escalation' },
          actions: [{ value: `case:resolve:${caseId}` }],
        }),
      )}`,
      { form: true },
    );
    await slack.waitFor(() =>
      slack.calls.some((c) => c.method === 'views.open' && c.params.trigger_id === 'trigger-1'),
    );

    const missing = await slackRequest(
      viewSubmission(ALICE, `resolve:${caseId}`, { resolution: 'Apologised in person' }),
      { form: true },
    );
    expect(
      ((await missing.json()) as { response_action: string; errors: Record<string, string> }).errors
        .root_cause,
    ).toContain('root cause');
    const complete = await slackRequest(
      viewSubmission(ALICE, `resolve:${caseId}`, {
        resolution: 'Apologised in person',
        root_cause: 'Receptionist overloaded at rush hour',
        corrective_action: 'Supervisor apologised to the owner',
        preventive_action: 'Second receptionist at peak hours',
      }),
      { form: true },
    );
    expect(complete.status).toBe(200);
    await telegram.waitFor(() => telegram.sent(703).length === 3);
    expect(String(telegram.sent(703)[2]?.params.text)).toContain(`Your case ${reference} has been resolved`);
    await slack.waitFor(() =>
      slack.calls.some(
        (c) =>
          c.method === 'chat.update' && c.params.ts === ts && String(c.params.text).includes('resolved by'),
      ),
    );
  }, 60_000);

  it('when staff reclassify a case, then the classifier treats the same words accordingly next time', async () => {
    const words = 'The hallway light on floor 6 is broken, please fix it';
    await fetch(`${base()}/telegram/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 'tg-secret' },
      body: JSON.stringify({ update_id: 704, ...telegram.textMessage(704, words) }),
    });
    await telegram.waitFor(() => telegram.sent(704).length === 1);
    const [ticket] = await (async () => {
      await slack.waitFor(() => slack.posts(CHANNEL).some((p) => String(p.params.text).includes(words)));
      const post = slack.posts(CHANNEL).find((p) => String(p.params.text).includes(words));
      const blocks = post?.params.blocks as Array<{ type: string; elements?: Array<{ value: string }> }>;
      return [blocks.find((b) => b.type === 'actions')?.elements?.[0]?.value.split(':')[2] as string];
    })();
    const saved = await slackRequest(
      viewSubmission(ALICE, `reclassify:${ticket}`, {
        intent: 'dissatisfaction',
        category: 'service_quality',
      }),
      {
        form: true,
      },
    );
    expect(saved.status).toBe(200);
    await fetch(`${base()}/telegram/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 'tg-secret' },
      body: JSON.stringify({ update_id: 705, ...telegram.textMessage(705, words) }),
    });
    await telegram.waitFor(() => telegram.sent(705).length === 1);
    expect(String(telegram.sent(705)[0]?.params.text)).toMatch(/complaint is recorded \(case CP-/);
  }, 60_000);

  it('when someone who is not staff writes to the app directly, then they are answered in that DM and a case opens', async () => {
    const event = JSON.stringify({
      type: 'event_callback',
      event_id: 'EvDM1',
      event: {
        type: 'message',
        channel_type: 'im',
        channel: 'D0OWNER',
        user: 'U0TENANT',
        text: 'The kitchen sink in 5-1203 is blocked, please send a plumber',
        ts: '1700000200.000001',
      },
    });
    expect((await slackRequest(event)).status).toBe(200);
    expect((await slackRequest(event, { retry: 1 })).status).toBe(200);
    await slack.waitFor(() => slack.posts('D0OWNER').length === 1);
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(slack.posts('D0OWNER')).toHaveLength(1);
    expect(String(slack.posts('D0OWNER')[0]?.params.text)).toMatch(/repair request \(case WO-\d{4}-\d{4}\)/);
  }, 30_000);

  it('when the owner of a case hands it over, then only after the colleague accepts can they reply', async () => {
    const { reference, value, ts } = await complaint(707);
    const caseId = value.split(':')[2] as string;
    await slackRequest(blockAction(ALICE, value, ts), { form: true });
    await telegram.waitFor(() => telegram.sent(707).length === 2);
    const handover = await slackRequest(
      `payload=${encodeURIComponent(
        JSON.stringify({
          type: 'view_submission',
          user: { id: ALICE, name: 'alice' },
          view: {
            callback_id: `handover:${caseId}`,
            private_metadata: JSON.stringify({ channel: CHANNEL, ts }),
            state: { values: { colleague: { colleague: { selected_user: BOB } } } },
          },
        }),
      )}`,
      { form: true },
    );
    expect(handover.status).toBe(200);
    const ask = slack.posts(CHANNEL).find((p) => String(p.params.text).includes(`take over ${reference}`));
    expect(ask?.params.thread_ts).toBe(ts);
    const acceptBlocks = ask?.params.blocks as Array<{ type: string; elements?: Array<{ value: string }> }>;
    const accept = acceptBlocks.find((b) => b.type === 'actions')?.elements?.[0]?.value as string;

    // Bob cannot reply yet; after accepting he can, and Alice no longer can.
    await slackRequest(threadReply(BOB, 'Bob here, too early', ts, '1700000300.000001'));
    await slackRequest(blockAction(BOB, accept, ask?.ts as string), { form: true });
    await slackRequest(threadReply(ALICE, 'Alice after hand-over', ts, '1700000300.000002'));
    await slackRequest(threadReply(BOB, 'Bob will visit you tomorrow at 10.', ts, '1700000300.000003'));
    await telegram.waitFor(() => telegram.sent(707).length === 3);
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(
      telegram
        .sent(707)
        .map((c) => String(c.params.text))
        .slice(2),
    ).toEqual([`[${reference}] ${BOB}: Bob will visit you tomorrow at 10.`]);
  }, 60_000);

  it('when a supervisor replies on a case someone else owns, then the reply reaches the owner', async () => {
    const { reference, value, ts } = await complaint(709);
    await slackRequest(blockAction(ALICE, value, ts), { form: true });
    await telegram.waitFor(() => telegram.sent(709).length === 2);
    await slackRequest(
      threadReply('U0SUPER', 'The supervisor will call you personally.', ts, '1700000400.000001'),
    );
    await telegram.waitFor(() => telegram.sent(709).length === 3);
    expect(String(telegram.sent(709)[2]?.params.text)).toBe(
      `[${reference}] U0SUPER: The supervisor will call you personally.`,
    );
  }, 30_000);

  it('when a relayed reply cannot be delivered, then the thread says so', async () => {
    const { value, ts } = await complaint(710);
    await slackRequest(blockAction(ALICE, value, ts), { form: true });
    await telegram.waitFor(() => telegram.sent(710).length === 2);
    telegram.failNextSend({ error_code: 403, description: 'Forbidden: bot was blocked by the user' });
    await slackRequest(threadReply(ALICE, 'Are you home tomorrow?', ts, '1700000500.000001'));
    await slack.waitFor(() =>
      slack
        .posts(CHANNEL)
        .some((p) => p.params.thread_ts === ts && String(p.params.text).includes('could not be delivered')),
    );
  }, 30_000);

  it('when an emergency is escalated, then the on-call group is mentioned', async () => {
    await fetch(`${base()}/telegram/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 'tg-secret' },
      body: JSON.stringify({
        update_id: 708,
        ...telegram.textMessage(708, 'There is smoke coming out of the flat next door!'),
      }),
    });
    await slack.waitFor(() =>
      slack.posts(CHANNEL).some((p) => String(p.params.text).includes('<!subteam^S0ONCALL>')),
    );
  }, 30_000);

  it('when Slack checks the URL, then the challenge is echoed', async () => {
    const response = await slackRequest(JSON.stringify({ type: 'url_verification', challenge: 'abc123' }));
    expect(await response.json()).toEqual({ challenge: 'abc123' });
  });
});
