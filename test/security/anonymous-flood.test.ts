import { useAppProcess } from '../support/app-process';
import { startFakeTelegram, type FakeTelegram } from '../support/fake-telegram';

const SECRET = 'flood-webhook-secret-77';
const FLOOD = 3000;

/**
 * The anonymous web chat flooded from one address (made-up session ids and issued ones), with
 * the default limits, while owners write on Telegram: the flood is answered with 2xx/4xx only,
 * a fire report and an ordinary question on Telegram are answered in time, and hundreds of
 * idle event streams do not take the instance down.
 */
describe('an anonymous flood of the web chat (the real app over HTTP)', () => {
  let telegram: FakeTelegram;
  beforeAll(async () => {
    telegram = await startFakeTelegram();
  });
  const { base } = useAppProcess({
    label: 'anonymous-flood',
    env: () => telegram.webhookEnv(SECRET),
  });
  afterAll(async () => {
    await telegram.close();
  });

  let updateId = 1;
  const onTelegram = (chat: number, text: string) =>
    fetch(`${base()}/telegram/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
      body: JSON.stringify({ update_id: updateId++, ...telegram.textMessage(chat, text) }),
    });
  const answeredWithin = async (chat: number, ms: number) => {
    const started = Date.now();
    await telegram.waitFor(() => telegram.sent(chat).length > 0, ms);
    return Date.now() - started;
  };

  const issued: string[] = [];

  it('when 3,000 messages flood in from one address, then they get only 2xx/4xx, and Telegram owners are answered in time', async () => {
    for (let i = 0; i < 40; i++) {
      const response = await fetch(`${base()}/chat/session`, { method: 'POST' });
      if (response.status === 200) issued.push(((await response.json()) as { sessionId: string }).sessionId);
    }
    expect(issued.length).toBe(30); // sessions_per_address=30/h
    const statuses = new Map<number, number>();
    let next = 0;
    const flood = Promise.all(
      Array.from({ length: 50 }, async () => {
        for (let i = next++; i < FLOOD; i = next++) {
          const sessionId =
            i % 2 === 0 ? issued[i % issued.length] : `made-up-${String(i).padStart(36, '0')}`;
          const response = await fetch(`${base()}/chat/messages`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ sessionId, clientMessageId: `f${i}`, text: `junk message ${i}` }),
          });
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        }
      }),
    );
    // Owners write on Telegram while the flood is on.
    expect(
      (await onTelegram(7001, 'Fire! Thick smoke is coming out of the bin room on floor 3')).status,
    ).toBe(200);
    const fireMs = await answeredWithin(7001, 15_000);
    expect((await onTelegram(7002, 'How do I pay the property fee?')).status).toBe(200);
    const questionMs = await answeredWithin(7002, 60_000);
    await flood;
    expect([...statuses.keys()].every((status) => status < 500)).toBe(true);
    expect(statuses.get(401)).toBe(FLOOD / 2); // every made-up session
    expect(statuses.get(429) ?? 0).toBeGreaterThan(FLOOD / 2 - 100); // one address: 60 a minute
    expect(String(telegram.sent(7001)[0]?.params.text)).toMatch(/emergency|紧急/);
    process.stderr.write(
      `anonymous flood: ${JSON.stringify(Object.fromEntries(statuses))}; fire answered in ${fireMs} ms, question in ${questionMs} ms\n`,
    );
  }, 240_000);

  it('when one address opens 400 event streams, then it gets 20 and 429 for the rest, and the instance stays healthy', async () => {
    const controllers: AbortController[] = [];
    const statuses = await Promise.all(
      Array.from({ length: 400 }, async (_, i) => {
        const controller = new AbortController();
        controllers.push(controller);
        const response = await fetch(`${base()}/chat/events?sessionId=${issued[i % issued.length]}`, {
          signal: controller.signal,
        });
        return response.status;
      }),
    );
    expect(statuses.filter((status) => status === 200)).toHaveLength(20); // streams_per_address
    expect(statuses.filter((status) => status === 429)).toHaveLength(380);
    expect((await fetch(`${base()}/healthz`)).status).toBe(200);
    expect((await onTelegram(7003, 'The lift in building 2 is making a grinding noise')).status).toBe(200);
    await answeredWithin(7003, 60_000);
    for (const controller of controllers) controller.abort();
  }, 120_000);
});
