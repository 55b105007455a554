import pino from 'pino';
import { createInboundPipeline, type HandlingResult } from '../../../bots/core/inbound';
import type { InboundMessage } from '../../../services/channels/types';
import { createFakeClock, type FakeClock } from '../../../services/clock';
import { messageModel, type MessageRecord } from '../../../services/messages/message-model';
import { useTestDatabase } from '../../support/database';

const database = useTestDatabase();
const silent = pino({ level: 'silent' });

beforeEach(async () => {
  const connection = database().connection;
  await messageModel(connection).deleteMany({});
});

function inbound(id: string, overrides: Partial<InboundMessage> = {}): InboundMessage {
  return {
    channel: 'telegram',
    platformMessageId: id,
    conversationId: 'chat-1',
    sender: { id: 'owner-1' },
    text: `message ${id}`,
    attachments: [],
    receivedAt: new Date('2026-11-22T02:00:00Z'),
    ...overrides,
  };
}

function setup(handle: (message: MessageRecord) => Promise<HandlingResult>, clock = createFakeClock()) {
  const pipeline = createInboundPipeline({
    connection: database().connection,
    clock,
    logger: silent,
    handle,
    leaseMs: 60_000,
  });
  return { clock, pipeline };
}

const stored = (platformMessageId: string) =>
  messageModel(database().connection).findOne({ platformMessageId }).lean();

/** What a process that died while handling a message leaves: the message, leased to it. */
async function leftBehind(clock: FakeClock, id: string, lease: { holder: string; attempts: number }) {
  await messageModel(database().connection).create({
    key: `telegram:${id}`,
    channel: 'telegram',
    platformMessageId: id,
    conversationId: 'chat-1',
    senderId: 'owner-1',
    text: `message ${id}`,
    receivedAt: clock.now(),
    ...lease,
    leaseUntil: new Date(clock.now().getTime() + 60_000),
  });
}

describe('inbound pipeline', () => {
  it('when a message arrives twice, then it is stored once, handled once and marked processed', async () => {
    const handled: string[] = [];
    const { pipeline } = setup(async (message) => {
      handled.push(message.text ?? '');
      return { outcome: 'faq_answer', language: 'en' };
    });

    const results = await Promise.all([pipeline.receive(inbound('m-1')), pipeline.receive(inbound('m-1'))]);
    await pipeline.idle();

    expect(results.map((result) => result.stored).sort()).toEqual([false, true]);
    expect(handled).toEqual(['message m-1']);
    expect(await stored('m-1')).toMatchObject({
      status: 'processed',
      attempts: 1,
      holder: '',
      leaseUntil: new Date(0),
      outcome: 'faq_answer',
      language: 'en',
    });
    // Recovering afterwards finds nothing to do.
    expect(await pipeline.recover()).toBe(0);
  });

  it('when the instance handling a message died, then recover leaves it during the lease and handles it after', async () => {
    const handled: string[] = [];
    const { clock, pipeline } = setup(async (message) => {
      handled.push(message.text ?? '');
      return { outcome: 'case_opened' };
    });
    // What a process that died while handling leaves behind: the message under its lease.
    await leftBehind(clock, 'm-2', { holder: 'dead-holder', attempts: 1 });

    expect(await pipeline.recover()).toBe(0);
    await pipeline.idle();
    expect(handled).toEqual([]);
    expect(await stored('m-2')).toMatchObject({ status: 'received', holder: 'dead-holder', attempts: 1 });

    clock.advance(60_001);
    expect(await pipeline.recover()).toBe(1);
    await pipeline.idle();

    expect(handled).toEqual(['message m-2']);
    expect(await stored('m-2')).toMatchObject({
      status: 'processed',
      attempts: 2,
      holder: '',
      leaseUntil: new Date(0),
      outcome: 'case_opened',
    });
  });

  it('when two instances recover the same free message at once, then one of them handles it', async () => {
    const clock = createFakeClock();
    const handledBy: string[] = [];
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const instance = (name: string) =>
      createInboundPipeline({
        connection: database().connection,
        clock,
        logger: silent,
        handle: async () => {
          handledBy.push(name);
          if (handledBy.length > 1) open();
          await gate; // the first holder keeps the message in hand while the other tries
          return { outcome: `handled_by_${name}` };
        },
      });
    const [a, b] = [instance('a'), instance('b')];
    await leftBehind(clock, 'm-5', { holder: 'dead-holder', attempts: 1 });
    clock.advance(60_001);

    // Usually both find it free; one that looks after the other's claim finds it leased.
    const found = await Promise.all([a.recover(), b.recover()]);
    expect(found[0] + found[1]).toBeGreaterThanOrEqual(1);
    await Promise.race([a.idle(), b.idle(), gate]);
    open();
    await Promise.all([a.idle(), b.idle()]);

    expect(handledBy).toHaveLength(1);
    expect(await stored('m-5')).toMatchObject({
      status: 'processed',
      attempts: 2,
      outcome: `handled_by_${handledBy[0]}`,
    });
  });

  it('when a holder outlives its lease and is taken over, then only the holder that took it over records the outcome', async () => {
    let release: () => void = () => undefined;
    let started: () => void = () => undefined;
    const slowStarted = new Promise<void>((resolve) => (started = resolve));
    const { clock, pipeline: slow } = setup(async () => {
      started();
      await new Promise<void>((resolve) => (release = resolve));
      return { outcome: 'late' };
    });
    const { pipeline: taker } = setup(async () => ({ outcome: 'taken_over' }), clock);
    await slow.receive(inbound('m-6'));
    await slowStarted;

    expect(await taker.recover()).toBe(0); // the slow holder's lease is live
    clock.advance(60_001);
    expect(await taker.recover()).toBe(1);
    await taker.idle();
    release();
    await slow.idle();

    expect(await stored('m-6')).toMatchObject({ status: 'processed', attempts: 2, outcome: 'taken_over' });
  });

  it('when three holders died with a message in hand, then the next takes it; after ten it is marked failed, not left received', async () => {
    const handled: string[] = [];
    const { clock, pipeline } = setup(async (message) => {
      handled.push(message.text ?? '');
      return { outcome: 'answered' };
    });
    await leftBehind(clock, 'm-3', { holder: 'third-dead-holder', attempts: 3 });
    await leftBehind(clock, 'm-4', { holder: 'tenth-dead-holder', attempts: 10 });
    clock.advance(60_001);

    expect(await pipeline.recover()).toBe(1);
    await pipeline.idle();

    expect(handled).toEqual(['message m-3']);
    expect(await stored('m-3')).toMatchObject({ status: 'processed', attempts: 4 });
    expect(await stored('m-4')).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('10 times'),
    });
  });

  it('when handling keeps failing, then each recover retries it and the third failure marks it failed', async () => {
    let calls = 0;
    const { pipeline } = setup(async () => {
      calls++;
      throw new Error('classifier exploded');
    });

    await pipeline.receive(inbound('m-3'));
    await pipeline.idle();
    expect(await stored('m-3')).toMatchObject({
      status: 'received',
      attempts: 1,
      holder: '',
      leaseUntil: new Date(0),
      error: 'classifier exploded',
    });

    for (let i = 0; i < 3; i++) {
      await pipeline.recover();
      await pipeline.idle();
    }

    expect(calls).toBe(3);
    expect(await stored('m-3')).toMatchObject({ status: 'failed', attempts: 3 });
    expect(await pipeline.recover()).toBe(0);
  });
});
