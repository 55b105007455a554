import { useAppProcess } from '../../support/app-process';
import { startFakeSlack, type FakeSlack, type SlackCall } from '../../support/fake-slack';
import { startFakeTelegram, type FakeTelegram } from '../../support/fake-telegram';
import { signedSlackRequest } from '../../support/slack-requests';

const SIGNING_SECRET = 'slack-signing-secret-for-tests';
const CHANNEL = 'C0ESCALATE';
const ALICE = 'U0ALICE';
const BOB = 'U0BOB';

type Blocks = Array<{
  type: string;
  elements?: Array<{ action_id: string; value: string; text: { text: string } }>;
}>;
const buttonsOf = (call: SlackCall | undefined) =>
  ((call?.params.blocks as Blocks | undefined) ?? []).find((b) => b.type === 'actions')?.elements ?? [];

describe('Slack staff desk end to end (fake Telegram, fake Slack, signed requests)', () => {
  let telegram: FakeTelegram;
  let slack: FakeSlack;

  beforeAll(async () => {
    telegram = await startFakeTelegram();
    slack = await startFakeSlack();
  });
  const { base, database } = useAppProcess({
    label: 'slack-desk',
    env: () => ({
      ...telegram.webhookEnv('tg-secret'),
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      SLACK_ESCALATION_CHANNEL: CHANNEL,
      SLACK_STAFF_USER_IDS: `${ALICE},${BOB}`,
      SLACK_ONCALL_GROUP: 'S0ONCALL',
      SLACK_SUPERVISOR_USER_IDS: 'U0SUPER',
      SLACK_BOT_ID: 'BBOT',
      SLACK_BOT_USER_ID: 'UBOT',
      STAFF_LANGUAGE: 'en',
    }),
  });
  // After useAppProcess: the fakes close once the app has stopped.
  afterAll(async () => {
    await telegram.close();
    await slack.close();
  });

  const slackRequest = (body: string, options: Parameters<typeof signedSlackRequest>[2] = {}) =>
    signedSlackRequest(`${base()}/slack/events`, body, { secret: SIGNING_SECRET, ...options });
  const form = (payload: unknown) => `payload=${encodeURIComponent(JSON.stringify(payload))}`;
  let clicks = 0;
  const press = (user: string, button: { action_id: string; value: string }, ts: string, extra = {}) =>
    slackRequest(
      form({
        type: 'block_actions',
        user: { id: user, name: user === ALICE ? 'alice' : user === BOB ? 'bob' : 'mallory' },
        channel: { id: CHANNEL },
        message: { ts, text: 'escalation' },
        actions: [{ ...button, action_ts: `1700000999.${String(++clicks).padStart(6, '0')}` }],
        ...extra,
      }),
      { form: true },
    );
  const submit = (user: string, callbackId: string, values: Record<string, Record<string, unknown>>) =>
    slackRequest(
      form({
        type: 'view_submission',
        user: { id: user, name: user === ALICE ? 'alice' : 'bob' },
        view: {
          id: `V${++clicks}`,
          callback_id: callbackId,
          state: {
            values: Object.fromEntries(
              Object.entries(values).map(([block, value]) => [block, { [block]: value }]),
            ),
          },
        },
      }),
      { form: true },
    );
  const threadReply = (user: string, text: string, threadTs: string, ts: string) =>
    slackRequest(
      JSON.stringify({
        type: 'event_callback',
        event_id: `Ev${ts}`,
        event: { type: 'message', user, text, ts, thread_ts: threadTs, channel: CHANNEL },
      }),
    );

  async function ownerSays(chatId: number, text: string) {
    await fetch(`${base()}/telegram/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 'tg-secret' },
      body: JSON.stringify({
        update_id: chatId * 10 + telegram.sent(chatId).length,
        ...telegram.textMessage(chatId, text),
      }),
    });
  }

  /** An owner's message on Telegram and its escalation on Slack: the buttons by verb and the message ts. */
  async function escalated(
    chatId: number,
    text = 'Your receptionist was extremely rude to me today, unacceptable',
  ) {
    await ownerSays(chatId, text);
    await telegram.waitFor(() => telegram.sent(chatId).length === 1);
    const reference = /[A-Z]{2}-\d{4}-\d{4}/.exec(
      String(telegram.sent(chatId)[0]?.params.text),
    )?.[0] as string;
    await slack.waitFor(() => slack.posts(CHANNEL).some((p) => String(p.params.text).includes(reference)));
    const post = slack.posts(CHANNEL).find((p) => String(p.params.text).includes(reference));
    const buttons = Object.fromEntries(buttonsOf(post).map((b) => [b.action_id.replace('case_', ''), b]));
    // The dispatcher records the thread right after Slack's answer; a person clicks far later.
    await new Promise((resolve) => setTimeout(resolve, 300));
    return {
      reference,
      buttons,
      ts: post?.ts as string,
      caseId: buttons.claim?.value.split(':')[2] as string,
    };
  }
  const updatesOf = (ts: string) =>
    slack.calls.filter((c) => c.method === 'chat.update' && c.params.ts === ts);

  it('when a complaint is escalated, then it carries Claim, Hand over, Resolve and Reclassify, and after a claim the card keeps the buttons that still fit', async () => {
    const { buttons, ts, reference } = await escalated(701);
    expect(Object.values(buttons).map((b) => b.text.text)).toEqual([
      'Claim',
      'Hand over',
      'Resolve',
      'Reclassify',
    ]);
    expect((await press(ALICE, buttons.claim!, ts)).status).toBe(200);
    await telegram.waitFor(() => telegram.sent(701).length === 2);
    expect(String(telegram.sent(701)[1]?.params.text)).toContain(`Your case ${reference} is now with alice`);
    const update = updatesOf(ts).at(-1);
    expect(buttonsOf(update).map((b) => b.action_id)).toEqual([
      'case_handover',
      'case_resolve',
      'case_reclassify',
    ]);
    expect(JSON.stringify(update?.params.blocks)).toContain('With alice');
  });

  it('when forged, stale or from non-staff, then nothing changes', async () => {
    const { buttons, ts } = await escalated(702);
    const body = form({
      type: 'block_actions',
      user: { id: ALICE },
      channel: { id: CHANNEL },
      actions: [buttons.claim],
    });
    expect((await slackRequest(body, { form: true, secret: 'wrong' })).status).toBe(401);
    expect((await slackRequest(body, { form: true, ageSeconds: 6 * 60 })).status).toBe(401);
    expect((await press('U0MALLORY', buttons.claim!, ts)).status).toBe(200);
    await slack.waitFor(() =>
      slack.calls.some((c) => c.method === 'chat.postEphemeral' && c.params.user === 'U0MALLORY'),
    );
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(telegram.sent(702)).toHaveLength(1); // the owner heard of no claim
  });

  it('when staff reply in the thread, then the owner hears it once; notes stay on the case; a colleague is refused', async () => {
    const { reference, buttons, ts } = await escalated(703);
    await press(ALICE, buttons.claim!, ts);
    await telegram.waitFor(() => telegram.sent(703).length === 2);
    await threadReply(ALICE, 'note: called the front desk manager', ts, '1700000100.000001');
    await threadReply(BOB, 'Bob here, not my case', ts, '1700000100.000002');
    const reply = 'We are sorry. The manager will call you at 5pm.';
    await threadReply(ALICE, reply, ts, '1700000100.000003');
    await slackRequest(
      JSON.stringify({
        type: 'event_callback',
        event_id: 'Ev1700000100.000003',
        event: {
          type: 'message',
          user: ALICE,
          text: reply,
          ts: '1700000100.000003',
          thread_ts: ts,
          channel: CHANNEL,
        },
      }),
      { retry: 1 },
    );
    await telegram.waitFor(() => telegram.sent(703).length === 3);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(
      telegram
        .sent(703)
        .map((c) => String(c.params.text))
        .slice(2),
    ).toEqual([`[${reference}] ${ALICE}: ${reply}`]);
    expect(slack.calls.some((c) => c.method === 'chat.postEphemeral' && c.params.user === BOB)).toBe(true);
    const stored = await database().connection.collection('tickets').findOne({ reference });
    expect(stored?.messages.filter((m: { from: string }) => m.from !== 'owner' && m.from !== 'bot')).toEqual([
      expect.objectContaining({ from: 'note', text: 'called the front desk manager', by: ALICE }),
      expect.objectContaining({ from: 'staff', text: reply, by: ALICE }),
    ]);
  }, 60_000);

  it('when a complaint is resolved from the modal, then empty fields are named in the staff language and the owner is told the result', async () => {
    const { reference, buttons, ts, caseId } = await escalated(704);
    await press(ALICE, buttons.resolve!, ts, { trigger_id: 'trigger-1' });
    await slack.waitFor(() =>
      slack.calls.some((c) => c.method === 'views.open' && c.params.trigger_id === 'trigger-1'),
    );
    const modal = slack.calls.find((c) => c.params.trigger_id === 'trigger-1')?.params.view as {
      blocks: Array<{ block_id: string; optional: boolean }>;
    };
    expect(modal.blocks.map((b) => `${b.block_id}:${b.optional}`)).toEqual([
      'resolution:false',
      'root_cause:false',
      'corrective_action:false',
      'preventive_action:false',
    ]);

    const missing = await submit(ALICE, `resolve:${caseId}`, {
      resolution: { value: 'Apologised in person' },
    });
    const { errors } = (await missing.json()) as { errors: Record<string, string> };
    expect(errors).toEqual({
      root_cause: 'A complaint needs its root cause.',
      corrective_action: 'A complaint needs its corrective action.',
      preventive_action: 'A complaint needs its preventive action.',
    });
    const complete = await submit(ALICE, `resolve:${caseId}`, {
      resolution: { value: 'The supervisor apologised in person.' },
      root_cause: { value: 'Receptionist overloaded at rush hour' },
      corrective_action: { value: 'Supervisor apologised to the owner' },
      preventive_action: { value: 'Second receptionist at peak hours' },
    });
    expect(complete.status).toBe(200);
    await telegram.waitFor(() => telegram.sent(704).length === 3); // claimed by resolving, then resolved
    expect(String(telegram.sent(704)[2]?.params.text)).toContain(
      `Your case ${reference} has been resolved: The supervisor apologised in person.`,
    );
    await slack.waitFor(() =>
      JSON.stringify(updatesOf(ts).at(-1)?.params.blocks ?? '').includes('Resolved by alice'),
    );
    expect(buttonsOf(updatesOf(ts).at(-1)).map((b) => b.action_id)).toEqual(['case_reclassify']);
  }, 60_000);

  it('when staff reclassify a case, then the case changes and the classifier treats the same words accordingly next time', async () => {
    const words = 'The hallway light on floor 6 is broken, please fix it';
    const { caseId, ts } = await escalated(705, words);
    const saved = await submit(ALICE, `reclassify:${caseId}`, {
      intent: { selected_option: { value: 'dissatisfaction' } },
      category: { selected_option: { value: 'service_quality' } },
    });
    expect(saved.status).toBe(200);
    await slack.waitFor(() =>
      JSON.stringify(updatesOf(ts).at(-1)?.params.blocks ?? '').includes('Service quality'),
    );
    await ownerSays(706, words);
    await telegram.waitFor(() => telegram.sent(706).length === 1);
    expect(String(telegram.sent(706)[0]?.params.text)).toMatch(/complaint is recorded \(case CP-/);
  }, 60_000);

  it('when the owner of a case hands it over and the colleague accepts, then the colleague owns it and only they reach the owner', async () => {
    const { reference, buttons, ts, caseId } = await escalated(707);
    await press(ALICE, buttons.claim!, ts);
    await telegram.waitFor(() => telegram.sent(707).length === 2);
    const offered = await submit(ALICE, `handover:${caseId}`, { colleague: { selected_user: BOB } });
    expect(offered.status).toBe(200);
    const ask = slack.posts(CHANNEL).find((p) => String(p.params.text).includes(`take over *${reference}*`));
    expect(ask?.params.thread_ts).toBe(ts);
    const accept = buttonsOf(ask).find((b) => b.action_id === 'case_accept');

    await threadReply(BOB, 'Bob here, too early', ts, '1700000300.000001');
    await press(BOB, accept!, ask?.ts as string);
    await telegram.waitFor(() => telegram.sent(707).length === 3);
    expect(String(telegram.sent(707)[2]?.params.text)).toBe(
      `Your case ${reference} is now with bob, who will keep you posted.`,
    );
    await threadReply(ALICE, 'Alice after hand-over', ts, '1700000300.000002');
    await threadReply(BOB, 'Bob will visit you tomorrow at 10.', ts, '1700000300.000003');
    await telegram.waitFor(() => telegram.sent(707).length === 4);
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(
      telegram
        .sent(707)
        .map((c) => String(c.params.text))
        .slice(3),
    ).toEqual([`[${reference}] ${BOB}: Bob will visit you tomorrow at 10.`]);
    expect(JSON.stringify(updatesOf(ts).at(-1)?.params.blocks)).toContain('With bob');
  }, 60_000);

  it('when a supervisor replies on a case someone else owns, then the reply reaches the owner', async () => {
    const { reference, buttons, ts } = await escalated(709);
    await press(ALICE, buttons.claim!, ts);
    await telegram.waitFor(() => telegram.sent(709).length === 2);
    await threadReply('U0SUPER', 'The supervisor will call you personally.', ts, '1700000400.000001');
    await telegram.waitFor(() => telegram.sent(709).length === 3);
    expect(String(telegram.sent(709)[2]?.params.text)).toBe(
      `[${reference}] U0SUPER: The supervisor will call you personally.`,
    );
  }, 30_000);

  it('when a relayed reply cannot be delivered, then the thread says so', async () => {
    const { buttons, ts } = await escalated(710);
    await press(ALICE, buttons.claim!, ts);
    await telegram.waitFor(() => telegram.sent(710).length === 2);
    telegram.failNextSend({ error_code: 403, description: 'Forbidden: bot was blocked by the user' });
    await threadReply(ALICE, 'Are you home tomorrow?', ts, '1700000500.000001');
    await slack.waitFor(() =>
      slack
        .posts(CHANNEL)
        .some((p) => p.params.thread_ts === ts && String(p.params.text).includes('could not be delivered')),
    );
  }, 30_000);

  it('when an emergency is escalated, then the on-call group is mentioned', async () => {
    await ownerSays(708, 'There is smoke coming out of the flat next door!');
    await slack.waitFor(() =>
      slack.posts(CHANNEL).some((p) => String(p.params.text).includes('<!subteam^S0ONCALL>')),
    );
  }, 30_000);

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
    // The escalation is a send of its own, which may leave after the owner's reply.
    const escalation = () =>
      slack.posts(CHANNEL).find((p) => String(p.params.text).includes('kitchen sink in 5-1203'));
    await slack.waitFor(() => escalation() !== undefined);
    expect(String(escalation()?.params.text)).toContain('Owner: Slack user U0TENANT (unverified, Slack)');
  }, 30_000);

  it('when Slack checks the URL, then the challenge is echoed', async () => {
    const response = await slackRequest(JSON.stringify({ type: 'url_verification', challenge: 'abc123' }));
    expect(await response.json()).toEqual({ challenge: 'abc123' });
  });
});
