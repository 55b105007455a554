import pino from 'pino';
import { createSessionIds } from '../../../bots/channels/web/session-ids';
import { createWebChat } from '../../../bots/channels/web/web-chat';
import { createAttachmentStore } from '../../../services/attachments/attachment-store';
import type { ChannelAdapter, ChannelName } from '../../../services/channels/types';
import { createFakeClock } from '../../../services/clock';
import { createDispatcher, type Dispatcher } from '../../../services/outbox/dispatcher';
import { createOutbox } from '../../../services/outbox/outbox';
import { outboxModels } from '../../../services/outbox/outbox-model';
import { useTestDatabase } from '../../support/database';

const database = useTestDatabase();
const silent = pino({ level: 'silent' });
const HOUR = 3_600_000;

/** Dispatchers a test started; stopped after it. */
const running: Dispatcher[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((dispatcher) => dispatcher.stop()));
});

/** A web chat, an outbox and dispatchers that poll once an hour, on an outbox emptied for the test. */
async function setUp() {
  const connection = database().connection;
  const clock = createFakeClock();
  const web = createWebChat({
    connection,
    clock,
    logger: silent,
    sessionIds: await createSessionIds(connection),
    limits: null,
    attachments: createAttachmentStore({ connection, clock }),
  });
  const outbox = createOutbox({ connection, clock });
  const dispatcherOn = (instanceId: string, adapters: Array<[ChannelName, ChannelAdapter]>) =>
    createDispatcher({
      connection,
      adapters: new Map(adapters),
      clock,
      logger: silent,
      instanceId,
      outbox,
      pollIntervalMs: HOUR,
      limits: { web: { perSecond: Infinity, perConversationPerSecond: Infinity } },
      shareRate: false,
    });
  const { entries } = outboxModels(connection);
  await entries.deleteMany({}); // each test's dispatchers see only its own entries
  const transcript = (conversationId: string) =>
    connection.collection('web_transcripts').find({ sessionId: conversationId }).sort({ seq: 1 }).toArray();
  return { connection, clock, web, outbox, dispatcherOn, entries, transcript };
}

const reply = (key: string, conversationId: string, text: string) => ({
  key,
  address: { channel: 'web' as const, conversationId },
  purpose: 'reply' as const,
  message: { text },
});

/**
 * The web chat's sends are writes to our own database that keep each delivery once: an
 * entry queued for it while a dispatcher runs is sent as it is queued and stored as sent,
 * without waiting for a claim pass (the dispatchers here poll once an hour).
 */
describe('entries on a local channel', () => {
  it('when a web chat reply is queued while a dispatcher runs, then it is sent as it is queued and stored as sent', async () => {
    const { web, outbox, dispatcherOn, entries, transcript } = await setUp();
    const dispatcher = dispatcherOn('local', [['web', web.adapter]]);
    dispatcher.start();
    running.push(dispatcher);
    await new Promise((resolve) => setTimeout(resolve, 100)); // its first claim pass is over

    const { id, created } = await outbox.enqueue(
      reply('reply:web:m1', 'session-local-0001', 'Fee: at the office.'),
    );
    expect(created).toBe(true);
    expect(await entries.findById(id).lean()).toMatchObject({
      status: 'sent',
      holder: 'local',
      generation: 1,
      partsSent: 1,
    });
    expect((await transcript('session-local-0001')).map((record) => record.text)).toEqual([
      'Fee: at the office.',
    ]);

    // The same key again is the same entry: nothing more is sent.
    expect(
      (await outbox.enqueue(reply('reply:web:m1', 'session-local-0001', 'Fee: at the office.'))).created,
    ).toBe(false);
    expect(await transcript('session-local-0001')).toHaveLength(1);
  });

  it('when replies to one session are queued together, then they reach its transcript in the order queued', async () => {
    const { web, outbox, dispatcherOn, transcript } = await setUp();
    const dispatcher = dispatcherOn('local', [['web', web.adapter]]);
    dispatcher.start();
    running.push(dispatcher);
    await new Promise((resolve) => setTimeout(resolve, 100));

    await outbox.enqueueMany(
      ['first', 'second', 'third'].map((text) => reply(`notice:${text}`, 'session-local-0004', text)),
    );
    const records = await transcript('session-local-0004');
    expect(records.map((record) => [record.seq, record.text])).toEqual([
      [1, 'first'],
      [2, 'second'],
      [3, 'third'],
    ]);
  });

  it('when a message is for later, for a platform channel, for a local channel whose sends cannot be repeated, or queued with no dispatcher running, then it waits pending for a claim', async () => {
    const { clock, web, outbox, dispatcherOn, entries } = await setUp();
    const telegram: ChannelAdapter = {
      name: 'telegram',
      capabilities: { buttons: true, threads: false, markup: false, maxTextLength: 4096 },
      start: async () => undefined,
      stop: async () => undefined,
      send: async () => ({ platformMessageId: '1' }),
    };
    // Local, but a repeated send would show twice: it cannot be sent before it is stored.
    const unrepeatable: ChannelAdapter = {
      ...telegram,
      name: 'slack',
      capabilities: { ...telegram.capabilities, local: true },
    };
    const dispatcher = dispatcherOn('local', [
      ['web', web.adapter],
      ['telegram', telegram],
      ['slack', unrepeatable],
    ]);
    dispatcher.start();
    running.push(dispatcher);
    await new Promise((resolve) => setTimeout(resolve, 100));

    const later = await outbox.enqueue({
      ...reply('visit:web:1', 'session-local-0002', 'How was the repair?'),
      notBefore: new Date(clock.now().getTime() + HOUR),
    });
    const onTelegram = await outbox.enqueue({
      ...reply('reply:telegram:1', '', 'Hello'),
      address: { channel: 'telegram', conversationId: '42' },
    });
    const onUnrepeatable = await outbox.enqueue({
      ...reply('reply:slack:1', '', 'Hello'),
      address: { channel: 'slack', conversationId: 'C1' },
    });
    await dispatcher.stop();
    running.length = 0;
    const afterStop = await outbox.enqueue(
      reply('reply:web:after-stop', 'session-local-0002', 'Hello again'),
    );

    for (const { id } of [later, onTelegram, onUnrepeatable, afterStop])
      expect(await entries.findById(id).lean()).toMatchObject({
        status: 'pending',
        holder: '',
        generation: 0,
      });
  });

  it('when a reply was sent and its instance died before storing the entry, then queuing it again stores it without a second copy', async () => {
    const { web, outbox, dispatcherOn, entries, transcript } = await setUp();
    // The first try: the transcript has the delivery, the outbox nothing (the process died).
    await web.adapter.send(
      { channel: 'web', conversationId: 'session-local-0003' },
      {
        text: 'A technician is on the way.',
        delivery: { key: 'reply:web:m2', purpose: 'reply', part: 0, parts: 1 },
      },
    );
    const dispatcher = dispatcherOn('retry', [['web', web.adapter]]);
    dispatcher.start();
    running.push(dispatcher);
    await new Promise((resolve) => setTimeout(resolve, 100));

    // The message's handling runs again and queues the same reply.
    const { id } = await outbox.enqueue(
      reply('reply:web:m2', 'session-local-0003', 'A technician is on the way.'),
    );
    expect(await entries.findById(id).lean()).toMatchObject({ status: 'sent', holder: 'retry' });
    expect((await transcript('session-local-0003')).map((record) => record.text)).toEqual([
      'A technician is on the way.',
    ]);
  });

  it('when the send at once fails, then the entry is stored pending and the dispatcher sends it later, once', async () => {
    const { web, outbox, dispatcherOn, entries, transcript } = await setUp();
    let failures = 1;
    const flaky: ChannelAdapter = {
      ...web.adapter,
      send: async (address, message) => {
        if (failures-- > 0) throw new Error('database unavailable');
        return web.adapter.send(address, message);
      },
    };
    const dispatcher = dispatcherOn('local', [['web', flaky]]);
    dispatcher.start();
    running.push(dispatcher);
    await new Promise((resolve) => setTimeout(resolve, 100));

    const { id } = await outbox.enqueue(reply('reply:web:m4', 'session-local-0005', 'Your case is open.'));
    expect(await entries.findById(id).lean()).toMatchObject({ status: 'pending', generation: 0 });
    await dispatcher.stop();
    running.length = 0;
    expect(await dispatcher.runOnce()).toBe(1);
    expect(await entries.findById(id).lean()).toMatchObject({ status: 'sent', generation: 1 });
    expect((await transcript('session-local-0005')).map((record) => record.text)).toEqual([
      'Your case is open.',
    ]);
  });
});

/**
 * A holder that took a web chat entry over from one that died mid-send sends it again: the
 * transcript keeps each delivery once, so the owner sees it once, and it is not given up as
 * "outcome unknown" (which the platforms without such a key still need).
 */
describe('a send repeated on a channel whose sends are idempotent', () => {
  it('when the sender died during a web chat reply, then the next holder sends it again and the transcript holds it once', async () => {
    const { clock, web, outbox, dispatcherOn, entries, transcript } = await setUp();
    const { attempts } = outboxModels(database().connection);
    const address = { channel: 'web' as const, conversationId: 'session-reference-0001' };
    const { id } = await outbox.enqueue(
      reply('reply:web:m1:faq', address.conversationId, 'The fee is paid at the office.'),
    );

    // The first holder wrote its attempt record and the transcript, then died before settling.
    await entries.updateOne(
      { _id: id },
      {
        $set: {
          status: 'sending',
          holder: 'died',
          generation: 1,
          leaseUntil: new Date(clock.now().getTime() + 60_000),
        },
      },
    );
    await attempts.collection.insertOne({
      _id: `${id}:0:1`,
      entryId: id,
      part: 0,
      generation: 1,
      holder: 'died',
      at: clock.now(),
    } as never);
    await web.adapter.send(address, {
      text: 'The fee is paid at the office.',
      delivery: { key: 'reply:web:m1:faq', purpose: 'reply', part: 0, parts: 1 },
    });

    clock.advance(60_001);
    const survivor = dispatcherOn('survivor', [['web', web.adapter]]);
    expect(await survivor.runOnce()).toBe(1);
    expect((await entries.findById(id).lean())?.status).toBe('sent');
    expect((await transcript(address.conversationId)).map((record) => record.text)).toEqual([
      'The fee is paid at the office.',
    ]);
  });
});
