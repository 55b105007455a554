import { spawnApp, type AppProcess } from '../support/app-process';
import { testDatabaseUri, uniqueDatabaseName } from '../support/database';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack';
import { startFakeTelegram, type FakeTelegram } from '../support/fake-telegram';

const SECRET = 'storm-webhook-secret';
const CHANNEL = 'C0ESCALATE';

interface Health {
  status: string;
  database: { ok: boolean; engine: string; latencyMs: number };
  channels: Record<
    string,
    { status: string; lastFailure: string; consecutiveFailures: number; lastInboundAt: string | null }
  >;
  scheduler: Record<string, { status: string; everyMs: number }>;
  outbox?: { pending: number; sending: number; dead: number; oldestPendingAgeSeconds: number };
}

/**
 * The platforms misbehave (429 and 5xx storms from the Telegram and Slack fakes) while owners
 * write: every reply and escalation is still delivered exactly once, and /metrics and /healthz
 * tell an operator what happened.
 */
describe('platform storms, seen from /metrics and /healthz', () => {
  let telegram: FakeTelegram;
  let slack: FakeSlack;
  let app: AppProcess;
  const base = () => `http://127.0.0.1:${app.port}`;

  beforeAll(async () => {
    telegram = await startFakeTelegram();
    slack = await startFakeSlack();
    const uri = new URL(testDatabaseUri());
    uri.pathname = `/${uniqueDatabaseName('storms')}`;
    app = await spawnApp({
      MONGODB_URI: uri.toString(),
      ...telegram.webhookEnv(SECRET),
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_SIGNING_SECRET: 'storm-signing-secret',
      SLACK_API_URL: slack.apiUrl,
      SLACK_ESCALATION_CHANNEL: CHANNEL,
      SLACK_BOT_USER_ID: 'UBOT',
    });
    await app.waitForLog((line) => String(line.msg).includes('is listening'), 60_000);
  }, 90_000);

  afterAll(async () => {
    app?.child.kill('SIGTERM');
    await app?.waitForExit(15_000);
    await telegram.close();
    await slack.close();
  });

  let updateId = 1;
  const say = (chat: number, text: string) =>
    fetch(`${base()}/telegram/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
      body: JSON.stringify({ update_id: updateId++, ...telegram.textMessage(chat, text) }),
    });
  const health = async () => (await (await fetch(`${base()}/healthz`)).json()) as Health;
  const metrics = async () => (await fetch(`${base()}/metrics`)).text();
  const metric = (text: string, pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? 'NaN');

  it('when Telegram answers a storm of 429s, then every owner gets one reply after the waits and health shows it', async () => {
    for (let i = 0; i < 4; i++)
      telegram.failNextSend({
        error_code: 429,
        description: 'Too Many Requests: retry after 1',
        parameters: { retry_after: 1 },
      });
    const chats = [1001, 1002, 1003];
    for (const chat of chats) expect((await say(chat, 'How do I pay the property fee?')).status).toBe(200);
    await telegram.waitFor(() => chats.every((chat) => telegram.sent(chat).length >= 1), 30_000);
    const during = await health();
    await telegram.waitFor(
      () => telegram.calls.filter((c) => c.method === 'sendMessage').length >= chats.length + 4,
      30_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 1500));
    // Each chat: the failed attempts and then exactly one answer, all of the same text.
    const attempts = chats.map((chat) => telegram.sent(chat));
    expect(attempts.flat()).toHaveLength(chats.length + 4);
    for (const list of attempts) expect(new Set(list.map((c) => c.params.text)).size).toBe(1);
    expect(['ok', 'failing']).toContain(during.channels.telegram?.status);
    const after = await health();
    expect(after.status).toBe('ok');
    expect(after.channels.telegram).toMatchObject({
      status: 'ok',
      lastFailure: 'rate_limited',
      consecutiveFailures: 0,
    });
    expect(after.channels.telegram?.lastInboundAt).not.toBeNull();
    const text = await metrics();
    expect(
      metric(text, /ownerbot_channel_sends_total\{channel="telegram",outcome="rate_limited"\} (\d+)/),
    ).toBe(4);
    expect(
      metric(text, /ownerbot_channel_sends_total\{channel="telegram",outcome="ok"\} (\d+)/),
    ).toBeGreaterThanOrEqual(3);
    expect(
      metric(text, /ownerbot_inbound_messages_total\{channel="telegram",result="stored"\} (\d+)/),
    ).toBeGreaterThanOrEqual(3);
  }, 60_000);

  it('when Telegram and Slack answer 5xx, then replies and escalations arrive once after the retries', async () => {
    telegram.failNextSend({ error_code: 502, description: 'Bad Gateway' });
    slack.failNextPost({ status: 503 });
    const postsBefore = slack.posts(CHANNEL).length;
    expect((await say(1010, 'Your receptionist was extremely rude to me today, unacceptable')).status).toBe(
      200,
    );
    await telegram.waitFor(() => telegram.sent(1010).length === 2, 30_000);
    await slack.waitFor(() => slack.posts(CHANNEL).length >= postsBefore + 2, 30_000);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(telegram.sent(1010)).toHaveLength(2); // one failure, one delivery
    const escalations = slack
      .posts(CHANNEL)
      .slice(postsBefore)
      .filter((p) => /CP-\d{4}-\d{4}/.test(String(p.params.text)));
    expect(escalations).toHaveLength(2); // one 503, one delivery
    expect(escalations[0]?.params.text).toBe(escalations[1]?.params.text);
    const text = await metrics();
    expect(metric(text, /ownerbot_channel_sends_total\{channel="telegram",outcome="network"\} (\d+)/)).toBe(
      1,
    );
    expect(metric(text, /ownerbot_channel_sends_total\{channel="slack",outcome="network"\} (\d+)/)).toBe(1);
  }, 60_000);

  it('when scraped, then /metrics covers inbound, outbound, outbox depth and age, dead letters, SLA, classification and jobs; /healthz covers engine, channels and scheduler', async () => {
    const text = await metrics();
    for (const family of [
      'ownerbot_inbound_messages_total',
      'ownerbot_inbound_duplicates_total',
      'ownerbot_channel_sends_total',
      'ownerbot_channel_send_duration_seconds',
      'ownerbot_outbox_sent_total',
      'ownerbot_outbox_depth',
      'ownerbot_outbox_oldest_pending_age_seconds',
      'ownerbot_outbox_dead_letters_total',
      'ownerbot_sla_steps_total',
      'ownerbot_sla_breached_open_cases',
      'ownerbot_classification_duration_seconds',
      'ownerbot_job_runs_total',
      'ownerbot_job_last_run_timestamp_seconds',
      'ownerbot_flood_held_total',
    ])
      expect(text).toContain(`# TYPE ${family} `);
    expect(metric(text, /ownerbot_classification_duration_seconds_count (\d+)/)).toBeGreaterThanOrEqual(4);
    expect(metric(text, /ownerbot_outbox_depth\{status="pending"\} (\d+)/)).toBe(0);
    expect(metric(text, /ownerbot_sla_breached_open_cases\{level="1"\} (\d+)/)).toBe(0);
    const body = await health();
    expect(body).toMatchObject({
      status: 'ok',
      database: { ok: true, engine: expect.any(String) },
      outbox: { pending: 0, dead: 0 },
    });
    expect(Object.keys(body.channels).sort()).toEqual(['slack', 'telegram', 'web']);
    expect(body.scheduler.sla).toMatchObject({ everyMs: 60_000 });
    expect(['waiting', 'ok']).toContain(body.scheduler.sla?.status);
  });
});
