import pino from 'pino';
import { startCore, type Core } from '../../bots/core/core';
import { loadConfig } from '../../services/config/load-config';
import { createMetrics } from '../../services/metrics/metrics';
import { createFakeChannel, type FakeChannel } from '../support/fake-channel';
import { useTestDatabase } from '../support/database';

const database = useTestDatabase();
const BACKLOG = 3000;

/**
 * Emergencies first: with thousands of ordinary web chat messages queued for handling (and
 * their replies queued behind them), a gas leak reported on Telegram is stored, escalated and
 * answered on the priority lane at once.
 */
describe('the priority lane (the real core, fake channels)', () => {
  let core: Core;
  let web: FakeChannel;
  let telegram: FakeChannel;

  beforeAll(async () => {
    core = await startCore({
      config: loadConfig({
        MONGODB_URI: 'mongodb://127.0.0.1/unused',
        LOG_LEVEL: 'silent',
        SLACK_BOT_TOKEN: 'xoxb-priority-lane',
        SLACK_SIGNING_SECRET: 'priority-lane-secret',
        SLACK_ESCALATION_CHANNEL: 'C0PRIORITY',
      }),
      connection: database().connection,
      logger: pino({ level: 'silent' }),
      metrics: createMetrics(),
    });
    web = createFakeChannel({ name: 'web' });
    telegram = createFakeChannel({ name: 'telegram' });
    const slack = createFakeChannel({ name: 'slack' });
    for (const channel of [web, telegram, slack]) {
      core.registerAdapter(channel);
      await channel.start(async (message) => {
        await core.inbound.receive(message);
      });
    }
  }, 60_000);
  afterAll(async () => {
    await core.inbound.release();
    await core.stop();
  });

  it('when a gas leak arrives on Telegram behind 3,000 queued web messages, then it is answered before the backlog moves on', async () => {
    // Stored as fast as webhooks would (50 at a time), so the handling falls behind.
    let next = 0;
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        for (let i = next++; i < BACKLOG; i = next++) {
          await core.inbound.receive({
            channel: 'web',
            platformMessageId: `backlog-${i}`,
            conversationId: `web-${i}`,
            sender: { id: `web-${i}` },
            text: `The corridor light on floor ${i % 30} is broken, please repair it`,
            attachments: [],
            receivedAt: new Date(),
          });
        }
      }),
    );
    const backlogBefore = core.inbound.backlog;
    expect(backlogBefore).toBeGreaterThan(BACKLOG / 2);

    const reported = Date.now();
    await core.inbound.receive({
      channel: 'telegram',
      platformMessageId: 'gas-1',
      conversationId: '9001',
      sender: { id: '9001', displayName: 'Owner 9001' },
      text: '厨房燃气泄漏了，味道很浓，怎么办！',
      attachments: [],
      receivedAt: new Date(),
    });
    await telegram.waitForSent(1, 30_000);
    // Measured by what else happened meanwhile, not by the clock (a busy test machine varies):
    // a few dozen ordinary messages at most were handled while the emergency was.
    const handledMeanwhile = backlogBefore - core.inbound.backlog;
    const [reply] = telegram.sent;
    expect(reply?.message.text).toMatch(/紧急情况处理（编号 EM-\d{4}-\d{4}）/);
    expect(handledMeanwhile).toBeLessThan(100);
    process.stderr.write(
      `priority lane: gas leak answered in ${Date.now() - reported} ms, ${handledMeanwhile} ordinary messages handled meanwhile\n`,
    );
  }, 300_000);
});
