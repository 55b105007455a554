import pino from 'pino';
import { startCore, type Core } from '../../bots/core/core';
import { createFloodGuard, floodTexts } from '../../bots/core/flood-guard';
import type { HandlingResult } from '../../bots/core/inbound';
import { createFakeClock } from '../../services/clock';
import { loadConfig } from '../../services/config/load-config';
import type { MessageRecord } from '../../services/messages/message-model';
import { createMetrics, type Metrics } from '../../services/metrics/metrics';
import { createOutbox } from '../../services/outbox/outbox';
import { createFakeChannel, type FakeChannel } from '../support/fake-channel';
import { useTestDatabase } from '../support/database';

const database = useTestDatabase();

async function until(predicate: () => Promise<boolean> | boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('flood limits through the real core', () => {
  let core: Core;
  let channel: FakeChannel;
  let metrics: Metrics;

  beforeAll(async () => {
    metrics = createMetrics();
    core = await startCore({
      config: loadConfig({ MONGODB_URI: 'mongodb://127.0.0.1/unused', LOG_LEVEL: 'silent' }),
      connection: database().connection,
      logger: pino({ level: 'silent' }),
      metrics,
    });
    channel = createFakeChannel({ name: 'telegram' });
    core.registerAdapter(channel);
    await channel.start(async (message) => {
      await core.inbound.receive(message);
    });
  }, 60_000);
  afterAll(async () => {
    await channel.stop();
    await core.stop();
  });

  it('when one owner sends 200 messages in a minute, then one case, bounded work and one polite slow-down reply; an emergency still goes through', async () => {
    const from = { sender: { id: 'flooder' }, conversationId: 'chat-flooder' };
    for (let i = 0; i < 200; i++) {
      const text =
        i === 150
          ? 'Fire! There is smoke coming out of the electrical room on floor 2'
          : `The kitchen tap in my flat is leaking, please send a plumber (${i})`;
      await channel.deliver({ ...from, platformMessageId: `flood-${i}`, text });
    }
    await core.inbound.idle();
    const messages = database().connection.collection('messages');
    await until(
      async () => (await messages.countDocuments({ senderId: 'flooder', status: 'processed' })) === 200,
    );
    await until(async () => {
      const stats = await core.outbox.stats();
      return stats.pending + stats.sending === 0;
    });
    await new Promise((resolve) => setTimeout(resolve, 500));

    // Nothing lost: every message is stored; those over the limit are marked, not handled one by one.
    expect(await messages.countDocuments({ senderId: 'flooder' })).toBe(200);
    const held = await messages.countDocuments({ senderId: 'flooder', outcome: 'flood_held' });
    expect(held).toBe(200 - 20 - 1); // 20 handled, the emergency handled, the rest held
    const tickets = database().connection.collection('tickets');
    const kinds = (await tickets.find({ identityKey: 'telegram:flooder' }).toArray())
      .map((t) => t.kind)
      .sort();
    expect(kinds).toEqual(['emergency', 'work_order']);

    const replies = channel.sent
      .filter((d) => d.address.conversationId === 'chat-flooder')
      .map((d) => d.message.text);
    expect(replies.filter((text) => text === floodTexts.slowDown.en)).toHaveLength(1);
    // Each handled message is answered (the case, then "added to your case"), the held ones get
    // one slow-down between them, the emergency its own: 22, not 200.
    expect(replies.length).toBe(22);
    expect(replies.some((text) => /EM-\d{4}-\d{4}/.test(text))).toBe(true);
    const scraped = await metrics.registry.metrics();
    expect(scraped).toMatch(/ownerbot_flood_held_total\{channel="telegram",scope="sender"\} 179/);
    // Bounded work: every message is read for an emergency (in memory), but only the handled
    // ones reach the database as the sender's turn (identity, state, cases).
    const identity = await database()
      .connection.collection('identities')
      .findOne({ key: 'telegram:flooder' });
    expect(identity?.lastInboundAt).toBeDefined();
    const states = await database().connection.collection('conversation_states').countDocuments({});
    expect(states).toBeLessThanOrEqual(1);
  }, 120_000);
});

describe('flood guard per channel', () => {
  it('when a whole channel floods, then every sender still has their first messages handled and one notice each for the rest', async () => {
    const clock = createFakeClock('2026-11-22T02:00:00Z');
    const outbox = createOutbox({ connection: database().connection, clock });
    const guard = createFloodGuard({
      outbox,
      clock,
      logger: pino({ level: 'silent' }),
      languageOf: async () => 'zh',
      settings: { perSenderPerMinute: 20, perChannelPerMinute: 100, perSenderUnderLoad: 3 },
    });
    const handled = new Map<string, number>();
    const results: HandlingResult[] = [];
    for (let round = 0; round < 6; round++) {
      for (let owner = 0; owner < 50; owner++) {
        const message = {
          channel: 'wechat',
          senderId: `o${owner}`,
          conversationId: `c${owner}`,
          threadId: '',
          text: '停车场的灯坏了',
          action: '',
        } as unknown as MessageRecord;
        results.push(
          await guard.handle(message, async () => {
            handled.set(`o${owner}`, (handled.get(`o${owner}`) ?? 0) + 1);
            return { outcome: 'case_opened' };
          }),
        );
        clock.advance(50);
      }
    }
    // 300 messages in 15 s on one channel: over 100 a minute, so each sender gets 3 handled.
    expect([...handled.values()].every((n) => n === 3)).toBe(true);
    expect(handled.size).toBe(50);
    expect(results.filter((r) => r.outcome === 'flood_held')).toHaveLength(150);
    const notices = await database()
      .connection.collection('outbox')
      .find({ key: /^flood:wechat:/ })
      .toArray();
    expect(notices).toHaveLength(50);
    expect(notices[0]?.message.text).toBe(floodTexts.slowDown.zh);
  });
});

describe('flood guard on a backlog', () => {
  it('when a burst that arrived within seconds is handled over minutes, then it is still judged a flood by when it arrived', async () => {
    const clock = createFakeClock('2026-11-22T03:00:00Z');
    const outbox = createOutbox({ connection: database().connection, clock });
    const guard = createFloodGuard({
      outbox,
      clock,
      logger: pino({ level: 'silent' }),
      languageOf: async () => 'en',
      settings: { perSenderPerMinute: 20, perChannelPerMinute: 100, perSenderUnderLoad: 3 },
    });
    const arrived = clock.now().getTime();
    const handled = new Map<string, number>();
    let held = 0;
    // 40 senders x 5 messages stored within 10 s, handled one a second (200 s): by handling
    // time only ~60 a minute, under the channel limit; by arrival 200 in 10 s, over it.
    for (let round = 0; round < 5; round++) {
      for (let owner = 0; owner < 40; owner++) {
        const message = {
          channel: 'telegram',
          senderId: `b${owner}`,
          conversationId: `cb${owner}`,
          threadId: '',
          text: 'The corridor light is broken',
          action: '',
          receivedAt: new Date(arrived + (round * 40 + owner) * 50),
        } as unknown as MessageRecord;
        clock.advance(1000);
        const result = await guard.handle(message, async () => {
          handled.set(`b${owner}`, (handled.get(`b${owner}`) ?? 0) + 1);
          return { outcome: 'case_opened' };
        });
        if (result.outcome === 'flood_held') held++;
      }
    }
    expect(handled.size).toBe(40);
    expect([...handled.values()].every((n) => n === 3)).toBe(true);
    expect(held).toBe(80);
    const notices = await database()
      .connection.collection('outbox')
      .find({ key: /^flood:telegram:b/ })
      .toArray();
    expect(notices).toHaveLength(40);
    expect(notices[0]?.message.text).toBe(floodTexts.slowDown.en);
  });
});
