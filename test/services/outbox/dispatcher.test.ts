import { Writable } from 'node:stream';
import pino from 'pino';
import { Registry } from 'prom-client';
import type { ChannelAdapter, ChannelName } from '../../../services/channels/types';
import { createFakeClock, systemClock, type Clock, type FakeClock } from '../../../services/clock';
import { connectDatabase, trusted, type Database } from '../../../services/database/connect';
import {
  createDispatcher,
  OUTCOME_UNKNOWN_REASON,
  type DeadLetterEvent,
  type DispatcherOptions,
} from '../../../services/outbox/dispatcher';
import { createOutbox, type EnqueueInput } from '../../../services/outbox/outbox';
import { createOutboxMetrics } from '../../../services/outbox/outbox-metrics';
import { outboxModels } from '../../../services/outbox/outbox-model';
import { testDatabaseUri, useTestDatabase } from '../../support/database';
import { createFakeChannel, fakeChannelErrors, type FakeChannel } from '../../support/fake-channel';
import { startTcpProxy } from '../../support/tcp-proxy';

const database = useTestDatabase();
const silent = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Lets the dispatcher's timers (at most 100 ms apart) notice a moved fake clock. */
const tick = () => sleep(150);
/** No pacing, for tests about something else than rate limits. */
const unlimited = { perSecond: Infinity, perConversationPerSecond: Infinity };

beforeEach(async () => {
  const { entries, attempts } = outboxModels(database().connection);
  await Promise.all([entries.deleteMany({}), attempts.deleteMany({})]);
});

function message(i: number, overrides: Partial<EnqueueInput> = {}): EnqueueInput {
  return {
    key: `notification:${i}`,
    address: { channel: 'telegram', conversationId: `chat-${i}` },
    message: { text: `notification:${i}` },
    purpose: 'notification',
    ownerId: `owner-${i}`,
    ...overrides,
  };
}

/** Fake clock unless a test passes another (then it must not call advance/set). */
function setup<C extends Clock = FakeClock>(
  options: {
    clock?: C;
    channel?: FakeChannel;
    name?: ChannelName;
    dispatcher?: Partial<DispatcherOptions>;
  } = {},
) {
  const clock = (options.clock ?? createFakeClock()) as C;
  const channel = options.channel ?? createFakeChannel({ name: options.name ?? 'telegram', clock });
  const outbox = createOutbox({ connection: database().connection, clock });
  const make = (overrides: Partial<DispatcherOptions> = {}) =>
    createDispatcher({
      connection: database().connection,
      adapters: new Map<ChannelName, ChannelAdapter>([[channel.name, channel]]),
      clock,
      logger: silent,
      instanceId: 'instance-a',
      limits: { [channel.name]: unlimited },
      pollIntervalMs: 20,
      // One dispatcher's own pacing; sharing the rate is rate-slices.test.ts's. (Every test
      // here starts its fake clock at the same instant on one database, so shared slices
      // would already belong to an earlier test's dispatcher.)
      shareRate: false,
      ...options.dispatcher,
      ...overrides,
    });
  return { clock, channel, outbox, dispatcher: make(), make };
}

function captureLogs() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

describe('dispatcher delivery', () => {
  it('when an entry is due, then it is rendered for the channel, sent in parts and marked sent', async () => {
    const clock = createFakeClock();
    const channel = createFakeChannel({
      name: 'wechat',
      clock,
      capabilities: { buttons: false, maxTextLength: 40 },
    });
    const sentEvents: unknown[] = [];
    const { outbox, dispatcher } = setup({
      clock,
      channel,
      dispatcher: { onSent: (e) => void sentEvents.push(e) },
    });
    await outbox.enqueue({
      key: 'reply:m-1',
      address: { channel: 'wechat', conversationId: 'wxid-1' },
      message: {
        text: 'We have logged the leak in unit 3-201.\n\nA plumber will call you within the hour.',
        language: 'en',
        buttons: [{ label: 'Fixed', action: 'fixed' }],
      },
      purpose: 'reply',
    });

    expect(await dispatcher.runOnce()).toBe(1);

    expect(channel.texts()).toEqual([
      'We have logged the leak in unit 3-201.',
      'A plumber will call you within the hour.',
      '1. Fixed\nReply with a number to choose.',
    ]);
    expect(await outbox.get('reply:m-1')).toMatchObject({
      status: 'sent',
      generation: 1,
      sentAt: clock.now(),
      platformMessageId: channel.sent[2]!.platformMessageId,
    });
    expect(sentEvents).toEqual([
      expect.objectContaining({ entry: expect.objectContaining({ key: 'reply:m-1', status: 'sent' }) }),
    ]);
    expect(await dispatcher.runOnce()).toBe(0);
  });

  it('when a reply and a survey are both due, then the reply goes first; a future entry waits', async () => {
    // Sends run in parallel; "first" is the first granted a slot, so slots are spaced here.
    const { clock, channel, outbox, dispatcher } = setup({
      dispatcher: { limits: { telegram: { perSecond: 10, perConversationPerSecond: Infinity } } },
    });
    await outbox.enqueue(
      message(1, { key: 'survey:2026Q4:o1', purpose: 'survey', message: { text: 'survey' } }),
    );
    await outbox.enqueue(message(2, { key: 'reply:m-9', purpose: 'reply', message: { text: 'reply' } }));
    const later = new Date(clock.now().getTime() + 60 * 60_000);
    await outbox.enqueue(message(3, { key: 'return_visit:c-1', purpose: 'return_visit', notBefore: later }));

    const pass = dispatcher.runOnce();
    for (let step = 0; step < 4; step++) {
      await tick();
      clock.advance(100);
    }
    expect(await pass).toBe(2);
    expect(channel.texts()).toEqual(['reply', 'survey']);

    clock.set(later);
    expect(await dispatcher.runOnce()).toBe(1);
    expect(channel.texts()).toHaveLength(3);
  });

  it('when one adapter throws and another channel has no adapter here, then the others are still sent', async () => {
    const clock = createFakeClock();
    const web = createFakeChannel({ name: 'web', clock });
    const broken: ChannelAdapter = {
      ...createFakeChannel({ name: 'telegram', clock }),
      send: async () => {
        throw new TypeError('adapter bug');
      },
    };
    const outbox = createOutbox({ connection: database().connection, clock });
    const dispatcher = createDispatcher({
      connection: database().connection,
      adapters: (channel) => ({ web, telegram: broken })[channel as 'web' | 'telegram'],
      clock,
      logger: silent,
      limits: { web: unlimited, telegram: unlimited },
    });
    await outbox.enqueue(message(1));
    await outbox.enqueue(message(2, { address: { channel: 'web', conversationId: 'session-2' } }));
    await outbox.enqueue(message(3, { address: { channel: 'slack', conversationId: 'C3' } }));

    expect(await dispatcher.runOnce()).toBe(2);

    expect(web.texts()).toEqual(['notification:2']);
    expect(await outbox.get('notification:1')).toMatchObject({ status: 'pending', failures: 1 });
    expect((await outbox.get('notification:1'))?.lastError).toContain('adapter bug');
    expect(await outbox.get('notification:3')).toMatchObject({ status: 'pending', generation: 0 });
  });
});

describe('dispatcher across instances', () => {
  // A few hundred entries keep this test quick; `npm run bench` runs the 1,000-entry case.
  const ENTRIES = 300;
  it('when two dispatchers share the database, then every entry is sent exactly once', async () => {
    const second: Database = await connectDatabase({
      uri: testDatabaseUri(),
      dbName: database().connection.name,
      engine: 'ferretdb-postgresql',
      logger: silent,
    });
    try {
      const channel = createFakeChannel({ name: 'web' });
      const { outbox, make } = setup({ clock: systemClock, channel });
      for (let start = 0; start < ENTRIES; start += 100)
        await Promise.all(
          Array.from({ length: 100 }, (_, i) =>
            outbox.enqueue(
              message(start + i, { address: { channel: 'web', conversationId: `s-${start + i}` } }),
            ),
          ),
        );
      const sentBy = { a: 0, b: 0 };
      const a = make({ instanceId: 'a', batchSize: 50, onSent: () => void sentBy.a++ });
      const b = make({
        instanceId: 'b',
        connection: second.connection,
        batchSize: 50,
        onSent: () => void sentBy.b++,
      });

      a.start();
      b.start();
      await channel.waitForSent(ENTRIES, 50_000);
      await sleep(200); // room for a duplicate to show up
      await Promise.all([a.stop(), b.stop()]);

      const texts = channel.texts();
      expect(texts).toHaveLength(ENTRIES);
      expect(new Set(texts).size).toBe(ENTRIES);
      expect(channel.requests).toHaveLength(ENTRIES);
      expect(sentBy.a + sentBy.b).toBe(ENTRIES);
      expect(sentBy.a).toBeGreaterThan(0);
      expect(sentBy.b).toBeGreaterThan(0);
      const { entries } = outboxModels(database().connection);
      expect(await entries.countDocuments({ status: 'sent' })).toBe(ENTRIES);
      expect(await entries.countDocuments({ status: trusted({ $ne: 'sent' }) })).toBe(0);
      expect(await entries.countDocuments({ generation: 1 })).toBe(ENTRIES); // each claimed once
    } finally {
      await second.close();
    }
  }, 60_000);

  it('when a dispatcher dies during its sends, then after its lease those entries are dead-lettered as outcome unknown, never sent twice; one it had only claimed is sent', async () => {
    const registry = new Registry();
    const metrics = createOutboxMetrics(registry);
    const { logger, lines } = captureLogs();
    const deadLetters: DeadLetterEvent[] = [];
    const { clock, channel, outbox, make } = setup();
    for (let i = 0; i < 4; i++) await outbox.enqueue(message(i));
    const { entries, attempts } = outboxModels(database().connection);
    // notification:3 was claimed by a process that died before its send: its lease, no attempt record.
    await entries.updateOne(
      { key: 'notification:3' },
      {
        $set: {
          status: 'sending',
          holder: 'died-before-sending',
          generation: 1,
          leaseUntil: new Date(clock.now().getTime() + 60_000),
        },
      },
    );
    // Two sends reach the platform, then the process dies before hearing back; the third dies
    // on the way out. Nobody can tell these three apart afterwards.
    channel.hangNext(2, { delivered: true });
    channel.hangNext(1, { delivered: false });
    const dying = make({ instanceId: 'dying', leaseMs: 60_000 });
    const dyingPass = dying.runOnce();
    while (channel.requests.length < 3) await sleep(10);
    const deliveredBeforeDeath = channel.texts();
    expect(deliveredBeforeDeath).toHaveLength(2);
    expect(await attempts.countDocuments({ holder: 'dying' })).toBe(3);

    const survivor = make({
      instanceId: 'survivor',
      leaseMs: 60_000,
      logger,
      metrics,
      onDeadLetter: (event) => void deadLetters.push(event),
    });
    expect(await survivor.runOnce()).toBe(0); // leases still held
    clock.advance(60_001);
    expect(await survivor.runOnce()).toBe(4);

    // Only the entry whose holder never started its send went out again.
    expect(channel.texts()).toEqual([...deliveredBeforeDeath, 'notification:3']);
    const dead = await entries.find({ status: 'dead' }).sort({ key: 1 }).lean();
    expect(dead.map((e) => e.key)).toEqual(['notification:0', 'notification:1', 'notification:2']);
    expect(dead.every((e) => e.deadReason === OUTCOME_UNKNOWN_REASON && e.generation === 2)).toBe(true);
    // Settled in parallel: one event per entry, in any order.
    const events = deadLetters.map((e) => [e.entry.key, e.outcomeUnknown, e.reason]);
    expect(events.sort()).toEqual(dead.map((e) => [e.key, true, OUTCOME_UNKNOWN_REASON]));
    expect(await entries.find({ status: 'sent' }).lean()).toEqual([
      expect.objectContaining({ key: 'notification:3', status: 'sent', generation: 2, failures: 1 }),
    ]);
    const exposition = await registry.metrics();
    expect(exposition).toContain(
      'ownerbot_outbox_send_failures_total{channel="telegram",kind="outcome_unknown"} 3',
    );
    expect(exposition).toContain('ownerbot_outbox_dead_letters_total{channel="telegram"} 3');
    expect(lines.filter((line) => line.includes('not sent again'))).toHaveLength(3);

    // Had the first process only stalled, its late answers are the truth: the two the platform
    // accepted are recorded as sent (once), the one it refused stays dead. Nothing is sent again.
    channel.releaseHung();
    expect(await dyingPass).toBe(3);
    await dying.stop();
    expect(channel.texts()).toHaveLength(3);
    const finalSent = await entries.find({ status: 'sent' }).sort({ key: 1 }).lean();
    const refused = ['notification:0', 'notification:1', 'notification:2'].find(
      (key) => !deliveredBeforeDeath.includes(key),
    );
    expect(finalSent.map((e) => e.key)).toEqual([...deliveredBeforeDeath, 'notification:3'].sort());
    const unsent = await entries.find({ status: trusted({ $ne: 'sent' }) }).lean();
    expect(unsent.map((e) => [e.key, e.status, e.deadReason])).toEqual([
      [refused, 'dead', OUTCOME_UNKNOWN_REASON],
    ]);

    // Every outcome is known or settled as unknown: no attempt record is left but the sent
    // entry's own (it is never taken over; the purge removes it).
    const sentOne = await entries.findOne({ key: 'notification:3' }).lean();
    expect((await attempts.find({}).lean()).map((a) => a._id)).toEqual([`${String(sentOne!._id)}:0:2`]);
  });

  it('when the database is unreachable right after the platform accepted a send, then the delivery is recorded once it is back and nothing is sent twice', async () => {
    const target = new URL(testDatabaseUri());
    const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port) });
    const throughProxy = await connectDatabase({
      uri: `mongodb://127.0.0.1:${proxy.port}/`,
      dbName: database().connection.name,
      engine: 'ferretdb-postgresql',
      logger: silent,
    });
    const { logger, lines } = captureLogs();
    try {
      const clock = createFakeClock();
      const platform = createFakeChannel({ name: 'telegram', clock });
      // The platform answers 2xx, and at that moment the database host vanishes.
      const adapter: ChannelAdapter = {
        ...platform,
        send: async (address, outbound) => {
          const result = await platform.send(address, outbound);
          proxy.cut();
          return result;
        },
      };
      const { outbox, make } = setup({ clock, channel: platform });
      await outbox.enqueue(message(1));
      const dispatcher = make({
        connection: throughProxy.connection,
        adapters: new Map<ChannelName, ChannelAdapter>([['telegram', adapter]]),
        leaseMs: 6000,
        logger,
      });
      dispatcher.start();
      await platform.waitForSent(1);
      // While the database is away the lease runs out many times over; this instance's own
      // passes must not take the entry again (they fail anyway until it is back).
      clock.advance(60_000);
      await sleep(1500);
      proxy.restore();
      const { entries } = outboxModels(database().connection);
      for (let waited = 0; (await entries.countDocuments({ status: 'sent' })) === 0; waited += 100) {
        if (waited > 20_000) throw new Error(`never recorded: ${lines.join('\n')}`);
        await sleep(100);
      }
      clock.advance(60_000); // more passes with the entry long past its lease
      await sleep(1000);
      await dispatcher.stop();

      expect(platform.texts()).toEqual(['notification:1']);
      expect(await entries.find({}).lean()).toEqual([
        expect.objectContaining({ key: 'notification:1', status: 'sent', generation: 1, failures: 0 }),
      ]);
      expect(lines.some((line) => line.includes('Could not write an outbox record'))).toBe(true);
      expect(lines.some((line) => line.includes('Outbox record written after retries'))).toBe(true);
    } finally {
      await throughProxy.close();
      await proxy.close();
    }
  }, 60_000);
});

describe('dispatcher failures', () => {
  it('when the platform answers 429 with retry_after, then no request reaches it before the wait, then it is sent', async () => {
    const { clock, channel, outbox, dispatcher } = setup();
    const t0 = clock.now().getTime();
    await outbox.enqueue(message(1));
    channel.failNext(1, fakeChannelErrors.tooManyRequests(30));

    expect(await dispatcher.runOnce()).toBe(1);
    expect(await outbox.get('notification:1')).toMatchObject({
      status: 'pending',
      failures: 0,
      nextAttemptAt: new Date(t0 + 30_000),
    });
    await outbox.enqueue(message(2));
    dispatcher.start();
    await tick();
    clock.advance(29_999);
    await tick();
    expect(channel.requests).toHaveLength(1);

    clock.advance(1);
    await channel.waitForSent(2);
    await dispatcher.stop();

    expect(channel.requests.slice(1).every((request) => request.at.getTime() >= t0 + 30_000)).toBe(true);
    expect(await outbox.get('notification:1')).toMatchObject({ status: 'sent', generation: 2 });
    expect(await outbox.get('notification:2')).toMatchObject({ status: 'sent', generation: 1 });
  });

  it('when the owner blocked the bot (403), then the entry is dead at once with the reason, logged without its text', async () => {
    const registry = new Registry();
    const metrics = createOutboxMetrics(registry);
    const { logger, lines } = captureLogs();
    const deadLetters: unknown[] = [];
    const { channel, outbox, dispatcher } = setup({
      dispatcher: { logger, metrics, onDeadLetter: (event) => void deadLetters.push(event) },
    });
    await outbox.enqueue(message(1, { message: { text: 'Your parcel is at the gate; call 13800138000' } }));
    channel.failNext(1, fakeChannelErrors.blocked());

    await dispatcher.runOnce();

    expect(await outbox.get('notification:1')).toMatchObject({
      status: 'dead',
      generation: 1,
      deadReason: 'forbidden (403): Forbidden: bot was blocked by the user',
    });
    expect(deadLetters).toEqual([
      expect.objectContaining({
        status: 403,
        kind: 'rejected',
        entry: expect.objectContaining({ key: 'notification:1', ownerId: 'owner-1', status: 'dead' }),
      }),
    ]);
    expect(channel.requests).toHaveLength(1);
    expect(await registry.metrics()).toContain('ownerbot_outbox_dead_letters_total{channel="telegram"} 1');
    const logged = lines.join('\n');
    expect(logged).toContain('Outbox entry dead-lettered');
    expect(logged).toContain('notification:1');
    expect(logged).not.toContain('parcel');
    expect(logged).not.toContain('13800138000');
  });

  it('when the platform keeps answering 500, then the entry is retried with backoff and dead after maxAttempts', async () => {
    const deadLetters: Array<{ reason: string; status?: number }> = [];
    const { clock, channel, outbox, dispatcher } = setup({
      dispatcher: {
        maxAttempts: 3,
        retry: { baseMs: 1000, maxMs: 4000 },
        onDeadLetter: (event) => void deadLetters.push(event),
      },
    });
    await outbox.enqueue(message(1));
    channel.failNext(5, fakeChannelErrors.serverError(500));

    expect(await dispatcher.runOnce()).toBe(1);
    const afterFirst = await outbox.get('notification:1');
    expect(afterFirst).toMatchObject({ status: 'pending', failures: 1 });
    const backoff = afterFirst!.nextAttemptAt.getTime() - clock.now().getTime();
    expect(backoff).toBeGreaterThanOrEqual(500);
    expect(backoff).toBeLessThanOrEqual(1000);
    expect(await dispatcher.runOnce()).toBe(0); // not due yet

    clock.advance(4000);
    expect(await dispatcher.runOnce()).toBe(1);
    expect(await outbox.get('notification:1')).toMatchObject({ status: 'pending', failures: 2 });
    clock.advance(4000);
    expect(await dispatcher.runOnce()).toBe(1);

    expect(await outbox.get('notification:1')).toMatchObject({
      status: 'dead',
      failures: 3,
      deadReason: 'gave up after 3 failed attempts; last: server_error (500): Internal Server Error',
    });
    expect(deadLetters).toEqual([expect.objectContaining({ status: 500 })]);
    expect(channel.requests).toHaveLength(3);
    expect(channel.sent).toHaveLength(0);
  });

  it('when the network fails twice, then the entry is sent on the third attempt', async () => {
    const { clock, channel, outbox, dispatcher } = setup();
    await outbox.enqueue(message(1));
    channel.failNext(2, fakeChannelErrors.network());

    for (let pass = 0; pass < 3; pass++) {
      await dispatcher.runOnce();
      clock.advance(10 * 60_000);
    }

    expect(await outbox.get('notification:1')).toMatchObject({ status: 'sent', generation: 3, failures: 2 });
    expect(channel.texts()).toEqual(['notification:1']);
  });
});

describe('dispatcher pacing and stopping', () => {
  it('when the platform allows 50/s, then sends keep to it with no 429', async () => {
    const channel = createFakeChannel({ name: 'telegram', rateLimit: { perSecond: 50 } });
    const { outbox, dispatcher } = setup({
      clock: systemClock,
      channel,
      dispatcher: { limits: { telegram: { perSecond: 50, perConversationPerSecond: 1 } } },
    });
    for (let i = 0; i < 100; i++) await outbox.enqueue(message(i));

    dispatcher.start();
    await channel.waitForSent(100, 20_000);
    await dispatcher.stop();

    expect(channel.rateLimited()).toBe(0);
    const times = channel.sent.map((delivery) => delivery.at.getTime());
    const rate = ((times.length - 1) / (times.at(-1)! - times[0]!)) * 1000;
    // Never above the limit; how close it gets is a speed figure, printed by `npm run bench`.
    expect(rate).toBeLessThanOrEqual(50.5);
  });

  it('when several messages go to one conversation, then they are spaced by its own limit', async () => {
    const { channel, outbox, dispatcher } = setup({
      clock: systemClock,
      dispatcher: { limits: { telegram: { perSecond: Infinity, perConversationPerSecond: 10 } } },
    });
    for (let i = 0; i < 4; i++)
      await outbox.enqueue(message(i, { address: { channel: 'telegram', conversationId: 'chat-same' } }));

    await dispatcher.runOnce();

    const times = channel.sent.map((delivery) => delivery.at.getTime());
    expect(times).toHaveLength(4);
    // Never ahead of its schedule of one every 100 ms (a late one may be followed sooner). A
    // request starts once its attempt record is written, a few ms after its slot; the
    // limiter's window margin (40 ms) is what the platform may see of that.
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[0]!).toBeGreaterThanOrEqual(100 * i - 20);
  });

  it('when stopped while sends wait for their slot, then those entries are handed back at once', async () => {
    const { clock, channel, outbox, dispatcher, make } = setup({
      dispatcher: { limits: { telegram: { perSecond: Infinity, perConversationPerSecond: 1 } } },
    });
    for (let i = 0; i < 3; i++)
      await outbox.enqueue(message(i, { address: { channel: 'telegram', conversationId: 'chat-same' } }));
    dispatcher.start();
    await channel.waitForSent(1);
    await tick();

    await dispatcher.stop();

    expect(channel.sent).toHaveLength(1);
    const { entries } = outboxModels(database().connection);
    const waiting = await entries.find({ status: 'pending' }).lean();
    expect(waiting).toHaveLength(2);
    // Handed back, not failed: pending again, so the next claim need not wait for a lease.
    expect(waiting.every((e) => e.generation === 1 && e.failures === 0)).toBe(true);
    clock.advance(5000);
    const next = make({ instanceId: 'instance-b', limits: { telegram: unlimited } });
    expect(await next.runOnce()).toBe(2);
    expect(channel.sent).toHaveLength(3);
  });
});

describe('dispatcher after a crash, and the purge', () => {
  it('when the purge runs an hour after a holder died mid-send, then its record of the entry it held stays and the entry is still not sent again', async () => {
    const { clock, channel, outbox, dispatcher } = setup();
    const { entries, attempts } = outboxModels(database().connection);
    const waiting = await outbox.enqueue(message(1));
    const gone = await outbox.enqueue(message(2));
    for (const id of [waiting.id, gone.id]) {
      const lease = {
        holder: 'died-mid-send',
        generation: 1,
        leaseUntil: new Date(clock.now().getTime() + 60_000),
      };
      await entries.updateOne({ _id: id }, { $set: { status: 'sending', ...lease } });
      await attempts.create({
        _id: `${id}:0:1`,
        entryId: id,
        part: 0,
        generation: 1,
        holder: 'died-mid-send',
        createdAt: clock.now(),
      });
    }
    // notification:2 was recorded sent after all; the process died before deleting its record.
    await entries.updateOne({ _id: gone.id }, { $set: { status: 'sent', sentAt: clock.now() } });
    clock.advance(2 * 60 * 60_000);

    expect(await outbox.purge()).toMatchObject({ attempts: 1 });
    expect((await attempts.find({}).lean()).map((a) => a._id)).toEqual([`${waiting.id}:0:1`]);

    expect(await dispatcher.runOnce()).toBe(1);
    expect(channel.requests).toHaveLength(0);
    expect(await outbox.get('notification:1')).toMatchObject({
      status: 'dead',
      deadReason: OUTCOME_UNKNOWN_REASON,
    });
    expect(await attempts.countDocuments({})).toBe(0);
  });
});
