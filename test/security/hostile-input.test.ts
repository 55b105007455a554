import { createHmac } from 'node:crypto';
import { createOwnerService } from '../../services/owners/owner-service';
import { systemClock } from '../../services/clock';
import { useAppProcess } from '../support/app-process';
import { seedStaff, STAFF_PASSWORD } from '../support/staff';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack';
import { startFakeTelegram, type FakeTelegram } from '../support/fake-telegram';

const TG_SECRET = 'tg-hostile-secret';
const SIGNING_SECRET = 'slack-signing-secret-hostile';
const ADMIN_TOKEN = 'hostile-admin-token-0123456789';
const CHANNEL = 'C0ESCALATE';
const ALICE = 'U0ALICE';

/**
 * Hostile input against the real app process over HTTP (fake Telegram and Slack on loopback).
 * Forged Telegram secrets and stale/forged Slack signatures are covered in
 * test/bots/channels/{telegram,slack-desk}.test.ts; this file adds what they do not.
 */
describe('hostile input through the real HTTP server', () => {
  let telegram: FakeTelegram;
  let slack: FakeSlack;

  beforeAll(async () => {
    telegram = await startFakeTelegram();
    slack = await startFakeSlack();
  });
  const { database, base } = useAppProcess({
    label: 'hostile',
    seed: async (connection) => {
      await createOwnerService({ connection, clock: systemClock }).importCsv(
        'name,building,unit,phone,language\nAlice Smith,8,1501,+86 139 0000 1111,en\n',
      );
      await seedStaff(connection, ['Alice', 'Bob']);
    },
    env: () => ({
      ...telegram.webhookEnv(TG_SECRET),
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      SLACK_ESCALATION_CHANNEL: CHANNEL,
      SLACK_STAFF_USER_IDS: ALICE,
      SLACK_BOT_USER_ID: 'UBOT',
      ADMIN_TOKEN,
    }),
  });
  // After useAppProcess: the fakes close once the app has stopped.
  afterAll(async () => {
    await telegram.close();
    await slack.close();
  });

  const collection = (name: string) => database().connection.collection(name);
  const webhook = (body: string | Buffer, secret = TG_SECRET) =>
    fetch(`${base()}/telegram/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
      body,
    });
  let updateId = 5000;
  const say = (chat: number, text: string) =>
    webhook(JSON.stringify({ update_id: updateId++, ...telegram.textMessage(chat, text) }));
  const settle = (ms = 800) => new Promise((resolve) => setTimeout(resolve, ms));

  function signed(body: string, options: { form?: boolean; timestamp?: number; signature?: string } = {}) {
    const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
    const signature =
      options.signature ??
      `v0=${createHmac('sha256', SIGNING_SECRET).update(`v0:${timestamp}:${body}`).digest('hex')}`;
    return {
      timestamp,
      signature,
      send: (sentBody = body) =>
        fetch(`${base()}/slack/events`, {
          method: 'POST',
          headers: {
            'content-type': options.form ? 'application/x-www-form-urlencoded' : 'application/json',
            'x-slack-signature': signature,
            'x-slack-request-timestamp': String(timestamp),
          },
          body: sentBody,
        }),
    };
  }

  it('when owner text is made of MongoDB operators or JSON queries, then it is stored as plain text and matches nothing else', async () => {
    const hostile = [
      '{"$ne": null}',
      '{"$where": "sleep(1000)"}',
      '{"status": {"$gt": ""}, "$or": [{}]}',
      "'; db.dropDatabase(); //",
    ];
    for (const text of hostile) expect((await say(801, text)).status).toBe(200);
    await telegram.waitFor(() => telegram.sent(801).length >= 1, 20_000);
    await settle(1500);
    const stored = await collection('messages')
      .find({ conversationId: '801' })
      .sort({ receivedAt: 1, _id: 1 })
      .toArray();
    expect(stored.map((m) => m.text).sort()).toEqual([...hostile].sort());
    expect(await collection('owners').countDocuments({})).toBe(1); // nothing dropped
    // Binding with an operator for the address and for the digits never binds the owner.
    await say(802, 'bind');
    await telegram.waitFor(() => telegram.sent(802).length === 1);
    await say(802, '{"$ne": "x"}');
    await telegram.waitFor(() => telegram.sent(802).length === 2);
    await say(802, '8-1501');
    await telegram.waitFor(() => telegram.sent(802).length === 3);
    await say(802, '{"$gt": ""}');
    await telegram.waitFor(() => telegram.sent(802).length === 4);
    const identity = await collection('identities').findOne({ key: 'telegram:802' });
    expect(identity?.verified).toBe(false);
    expect(identity?.ownerId).toBe('');
    // The web chat refuses a text that is not a string, and a session id that is an operator.
    const web = await fetch(`${base()}/chat/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sessionId: { $ne: null }, clientMessageId: 'x1', text: { $gt: '' } }),
    });
    expect(web.status).toBe(400);
    expect(
      (await fetch(`${base()}/chat/events?sessionId[$ne]=1`, { signal: AbortSignal.timeout(3000) })).status,
    ).toBe(401);
  }, 60_000);

  it('when a body is larger than 1 MiB, then 413 with a clear JSON error on every route and nothing is stored', async () => {
    const big = JSON.stringify({
      update_id: updateId++,
      ...telegram.textMessage(803, 'x'.repeat(1100 * 1024)),
    });
    for (const [path, headers] of [
      ['/telegram/webhook', { 'x-telegram-bot-api-secret-token': TG_SECRET }],
      ['/chat/messages', {}],
      ['/slack/events', {}],
    ] as const) {
      const response = await fetch(`${base()}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: big,
      });
      expect(response.status).toBe(413);
      expect(await response.json()).toEqual({
        error: 'body_too_large',
        message: 'The request body is larger than 1 MiB.',
      });
    }
    expect(await collection('messages').countDocuments({ conversationId: '803' })).toBe(0);
  });

  it('when Telegram sends update types ownerbot does not know, then each gets 200, is ignored, and the next message is handled', async () => {
    const unknown = [
      { my_chat_member: { chat: { id: 804, type: 'private' }, from: { id: 804 }, date: 0 } },
      { channel_post: { message_id: 1, date: 0, chat: { id: -100, type: 'channel' }, text: 'hi' } },
      { message_reaction: { chat: { id: 804, type: 'private' }, message_id: 1, date: 0 } },
      { chat_join_request: { chat: { id: -5, type: 'supergroup' }, from: { id: 804 }, date: 0 } },
      { business_message: { message_id: 1, date: 0, chat: { id: 804, type: 'private' }, text: 'x' } },
      { some_future_update: { anything: [1, 2, { nested: true }] } },
    ];
    for (const fields of unknown) {
      const response = await webhook(JSON.stringify({ update_id: updateId++, ...fields }));
      expect(response.status).toBe(200);
    }
    expect(await collection('messages').countDocuments({ conversationId: '804' })).toBe(0);
    expect((await say(804, 'How do I pay the property fee?')).status).toBe(200);
    await telegram.waitFor(() => telegram.sent(804).length === 1);
    expect(await collection('messages').countDocuments({ conversationId: '804' })).toBe(1);
  });

  it('when a JSON body is not valid UTF-8, then 400 invalid_utf8 and nothing is stored; valid text right after is handled', async () => {
    const good = JSON.stringify({ update_id: updateId++, ...telegram.textMessage(805, 'MARK') });
    const [before, after] = good.split('MARK') as [string, string];
    const broken = Buffer.concat([
      Buffer.from(before),
      Buffer.from([0xff, 0xfe, 0xc3, 0x28]),
      Buffer.from(after),
    ]);
    const response = await webhook(broken);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: 'invalid_utf8',
      message: 'The request body is not valid UTF-8.',
    });
    const web = await fetch(`${base()}/chat/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Buffer.concat([
        Buffer.from('{"sessionId":"abcdefghijklmnopqrstuvwx","clientMessageId":"u1","text":"'),
        Buffer.from([0xed, 0xa0, 0x80]), // an encoded lone surrogate: not UTF-8
        Buffer.from('"}'),
      ]),
    });
    expect(web.status).toBe(400);
    // Slack's events are kept as text for their signature check: signed bad bytes are refused too.
    const slackBody = Buffer.concat([
      Buffer.from('{"type":"event_callback","event_id":"EvUtf8","event":{"type":"message","text":"'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('"}}'),
    ]);
    const timestamp = Math.floor(Date.now() / 1000);
    const slackSignature = createHmac('sha256', SIGNING_SECRET)
      .update(Buffer.concat([Buffer.from(`v0:${timestamp}:`), slackBody]))
      .digest('hex');
    const slackEvent = await fetch(`${base()}/slack/events`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-slack-signature': `v0=${slackSignature}`,
        'x-slack-request-timestamp': String(timestamp),
      },
      body: slackBody,
    });
    expect(slackEvent.status).toBe(400);
    expect(((await slackEvent.json()) as { error: string }).error).toBe('invalid_utf8');
    expect(await collection('messages').countDocuments({ conversationId: '805' })).toBe(0);
    // Multi-byte text that is valid (Chinese, emoji) is kept exactly.
    expect((await say(805, '电梯坏了 🛗 请尽快维修')).status).toBe(200);
    await telegram.waitFor(() => telegram.sent(805).length === 1);
    expect((await collection('messages').findOne({ conversationId: '805' }))?.text).toBe(
      '电梯坏了 🛗 请尽快维修',
    );
  });

  it('when a signed Slack request is replayed, tampered with or signed another way, then it acts at most once', async () => {
    await say(806, 'Your receptionist was extremely rude to me today, unacceptable');
    await telegram.waitFor(() => telegram.sent(806).length === 1);
    const reference = /CP-\d{4}-\d{4}/.exec(String(telegram.sent(806)[0]?.params.text))?.[0] as string;
    await slack.waitFor(() => slack.posts(CHANNEL).some((p) => String(p.params.text).includes(reference)));
    const post = slack.posts(CHANNEL).find((p) => String(p.params.text).includes(reference));
    const blocks = post?.params.blocks as Array<{ type: string; elements?: Array<{ value: string }> }>;
    const value = blocks.find((b) => b.type === 'actions')?.elements?.[0]?.value as string;
    const caseId = value.split(':')[2] as string;
    const ts = post?.ts as string;
    await settle(300);
    const actionTs = '1700000299.000001';

    const claim = `payload=${encodeURIComponent(
      JSON.stringify({
        type: 'block_actions',
        user: { id: ALICE, name: 'alice' },
        channel: { id: CHANNEL },
        message: { ts, text: 'escalation' },
        actions: [{ action_id: 'case_claim', value, action_ts: actionTs }],
      }),
    )}`;
    const request = signed(claim, { form: true });
    // A body changed under a valid signature, and a signature of another scheme, are refused.
    expect((await request.send(claim.replace('alice', 'mallory'))).status).toBe(401);
    const v1 = signed(claim, { form: true, signature: request.signature.replace(/^v0=/, 'v1=') });
    expect((await v1.send()).status).toBe(401);
    expect((await request.send()).status).toBe(200);
    expect((await request.send()).status).toBe(200); // the exact same request again (a replay)
    await telegram.waitFor(() => telegram.sent(806).length === 2);

    const threadReply = JSON.stringify({
      type: 'event_callback',
      event_id: 'EvReplay1',
      event: {
        type: 'message',
        user: ALICE,
        text: 'We will call you at 5pm.',
        ts: '1700000200.000001',
        thread_ts: ts,
        channel: CHANNEL,
      },
    });
    const replyRequest = signed(threadReply);
    for (let i = 0; i < 3; i++) expect((await replyRequest.send()).status).toBe(200);
    await telegram.waitFor(() => telegram.sent(806).length === 3);
    await settle(1500);
    expect(telegram.sent(806)).toHaveLength(3);
    const ticket = await collection('tickets').findOne({ reference });
    expect(ticket?.history.filter((h: { action: string }) => h.action === 'claimed')).toHaveLength(1);
    expect(ticket?.messages.filter((m: { from: string }) => m.from === 'staff')).toHaveLength(1);
    expect(String(ticket?._id)).toBe(caseId);
  }, 60_000);

  it('when a desk action is posted without the form token or from another site, then 403 and the case is unchanged', async () => {
    await say(807, 'The corridor light on floor 3 is broken, please repair it');
    await telegram.waitFor(() => telegram.sent(807).length === 1);
    const ticket = await collection('tickets').findOne({ identityKey: 'telegram:807' });
    const id = String(ticket?._id);
    const basic = `Basic ${Buffer.from(`Alice:${STAFF_PASSWORD}`).toString('base64')}`;
    const desk = await fetch(`${base()}/desk`, { headers: { authorization: basic } });
    const html = await desk.text();
    const [, token, once] =
      new RegExp(
        `/desk/cases/${id}/claim\\?back=queue"><input type="hidden" name="csrf" value="([^"]+)"><input type="hidden" name="once" value="([^"]+)"`,
      ).exec(html) ?? [];
    expect(token).toBeDefined();
    const claim = (body: string, headers: Record<string, string>) =>
      fetch(`${base()}/desk/cases/${id}/claim`, {
        method: 'POST',
        redirect: 'manual',
        headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body,
      });
    expect((await claim('', {})).status).toBe(403);
    expect((await claim('csrf=forged', {})).status).toBe(403);
    const form = `csrf=${token}&once=${once}`;
    expect((await claim(form, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await claim(form, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await claim(form, { 'sec-fetch-site': 'same-site' })).status).toBe(403);
    // A token is the user's own: Bob cannot use Alice's.
    const bob = `Basic ${Buffer.from(`Bob:${STAFF_PASSWORD}`).toString('base64')}`;
    expect((await claim(form, { authorization: bob })).status).toBe(403);
    expect((await collection('tickets').findOne({ _id: ticket?._id }))?.status).toBe('new');
    const ok = await claim(form, { origin: base(), 'sec-fetch-site': 'same-origin' });
    expect(ok.status).toBe(303);
    const claimed = await collection('tickets').findOne({ _id: ticket?._id });
    expect(claimed?.status).toBe('claimed');
    expect(claimed?.assignee).toBe('desk:Alice');
    // Audited: each refused forgery and the real claim, with who and on which case.
    const audit = await collection('audit_log').find({ target: id }).toArray();
    expect(audit.filter((a) => a.outcome === 'refused:forged_form')).toHaveLength(6);
    expect(audit.filter((a) => a.outcome === 'ok')).toEqual([
      expect.objectContaining({ actor: 'desk:Alice', action: 'desk.claim' }),
    ]);
  });

  it('when paths try to climb out (../, encoded, in ids), then 404 or 400 and no file is ever served', async () => {
    for (const path of [
      '/../../../../etc/passwd',
      '/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
      '/..%2f..%2f..%2fetc%2fpasswd',
      '/desk/..%2f..%2fpackage.json',
      '/chat/..%2f..%2f.env',
      '/static/../../package.json',
    ]) {
      const response = await fetch(`${base()}${path}`);
      expect([400, 404]).toContain(response.status);
      const text = await response.text();
      expect(text).not.toMatch(/root:|"name": "ownerbot"|ADMIN_TOKEN/);
    }
    const basic = `Basic ${Buffer.from(`Alice:${STAFF_PASSWORD}`).toString('base64')}`;
    const climbing = await fetch(`${base()}/desk/cases/..%2F..%2Fetc%2Fpasswd/claim`, {
      method: 'POST',
      redirect: 'manual',
      headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'csrf=x',
    });
    expect([403, 404]).toContain(climbing.status);
    const events = await fetch(`${base()}/chat/events?sessionId=../../etc/passwd`);
    expect(events.status).toBe(401);
  });
});
