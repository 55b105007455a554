import pino from 'pino';
import { createInboundPipeline, type HandlingResult } from '../../../bots/core/inbound';
import type { InboundMessage } from '../../../services/channels/types';
import { createFakeClock } from '../../../services/clock';
import {
  messageClaimModel,
  messageModel,
  type MessageRecord,
} from '../../../services/messages/message-model';
import { useTestDatabase } from '../../support/database';

const database = useTestDatabase();
const silent = pino({ level: 'silent' });

beforeEach(async () => {
  const connection = database().connection;
  await Promise.all([messageModel(connection).deleteMany({}), messageClaimModel(connection).deleteMany({})]);
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

function setup(handle: (message: MessageRecord) => Promise<HandlingResult>) {
  const clock = createFakeClock();
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
      processingAttempts: 1,
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
    // What a process that died while handling leaves behind: the message and its claim.
    const { _id } = await messageModel(database().connection).create({
      key: 'telegram:m-2',
      channel: 'telegram',
      platformMessageId: 'm-2',
      conversationId: 'chat-1',
      senderId: 'owner-1',
      text: 'message m-2',
      receivedAt: clock.now(),
    });
    await messageClaimModel(database().connection).create({ _id: `${String(_id)}:1`, at: clock.now() });

    expect(await pipeline.recover()).toBe(1);
    await pipeline.idle();
    expect(handled).toEqual([]);
    expect(await stored('m-2')).toMatchObject({ status: 'received', processingAttempts: 0 });

    clock.advance(60_001);
    await pipeline.recover();
    await pipeline.idle();

    expect(handled).toEqual(['message m-2']);
    expect(await stored('m-2')).toMatchObject({ status: 'processed', processingAttempts: 2 });
  });

  it('when three holders died with a message in hand, then the next takes it; after ten it is marked failed, not left received', async () => {
    const handled: string[] = [];
    const { clock, pipeline } = setup(async (message) => {
      handled.push(message.text ?? '');
      return { outcome: 'answered' };
    });
    const left = async (id: string, deadHolders: number) => {
      const { _id } = await messageModel(database().connection).create({
        key: `telegram:${id}`,
        channel: 'telegram',
        platformMessageId: id,
        conversationId: 'chat-1',
        senderId: 'owner-1',
        text: `message ${id}`,
        receivedAt: clock.now(),
      });
      for (let attempt = 1; attempt <= deadHolders; attempt++)
        await messageClaimModel(database().connection).create({
          _id: `${String(_id)}:${attempt}`,
          at: clock.now(),
        });
    };
    await left('m-3', 3);
    await left('m-4', 10);
    clock.advance(60_001);

    await pipeline.recover();
    await pipeline.idle();

    expect(handled).toEqual(['message m-3']);
    expect(await stored('m-3')).toMatchObject({ status: 'processed', processingAttempts: 4 });
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
      processingAttempts: 1,
      error: 'classifier exploded',
    });

    for (let i = 0; i < 3; i++) {
      await pipeline.recover();
      await pipeline.idle();
    }

    expect(calls).toBe(3);
    expect(await stored('m-3')).toMatchObject({ status: 'failed', processingAttempts: 3 });
  });
});
