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

/**
 * The web chat's sends are writes to our own database: an entry queued for it while a
 * dispatcher runs is stored already claimed by that dispatcher and sent at once, without
 * waiting for a claim pass (the dispatchers here poll once an hour).
 */
describe('entries on a local channel', () => {
  const running: Dispatcher[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((dispatcher) => dispatcher.stop()));
  });

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

  async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
    const deadline = Date.now() + 5_000;
    for (;;) {
      const value = await read();
      if (done(value) || Date.now() > deadline) return value;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  const reply = (key: string, conversationId: string, text: string) => ({
    key,
    address: { channel: 'web' as const, conversationId },
    purpose: 'reply' as const,
    message: { text },
  });

  it('when a web chat reply is queued while a dispatcher runs, then that dispatcher holds it from the start and sends it at once', async () => {
    const { web, outbox, dispatcherOn, entries, transcript } = await setUp();
    const dispatcher = dispatcherOn('local', [['web', web.adapter]]);
    dispatcher.start();
    running.push(dispatcher);
    await new Promise((resolve) => setTimeout(resolve, 100)); // its first claim pass is over

    const { id, created } = await outbox.enqueue(
      reply('reply:web:m1', 'session-local-0001', 'Fee: at the office.'),
    );
    expect(created).toBe(true);
    const stored = await entries.findById(id).lean();
    expect(stored).toMatchObject({ holder: 'local', generation: 1 });

    const sent = await until(
      () => entries.findById(id).lean(),
      (entry) => entry?.status === 'sent',
    );
    expect(sent).toMatchObject({ status: 'sent', holder: 'local', generation: 1, partsSent: 1 });
    expect((await transcript('session-local-0001')).map((record) => record.text)).toEqual([
      'Fee: at the office.',
    ]);

    // The same key again is the same entry: nothing more is sent.
    expect(
      (await outbox.enqueue(reply('reply:web:m1', 'session-local-0001', 'Fee: at the office.'))).created,
    ).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await transcript('session-local-0001')).toHaveLength(1);
  });

  it('when a message is for later, for a platform channel, or queued with no dispatcher running, then it waits pending for a claim', async () => {
    const { clock, web, outbox, dispatcherOn, entries } = await setUp();
    const telegram: ChannelAdapter = {
      name: 'telegram',
      capabilities: { buttons: true, threads: false, markup: false, maxTextLength: 4096 },
      start: async () => undefined,
      stop: async () => undefined,
      send: async () => ({ platformMessageId: '1' }),
    };
    const dispatcher = dispatcherOn('local', [
      ['web', web.adapter],
      ['telegram', telegram],
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
    await dispatcher.stop();
    running.length = 0;
    const afterStop = await outbox.enqueue(
      reply('reply:web:after-stop', 'session-local-0002', 'Hello again'),
    );

    for (const { id } of [later, onTelegram, afterStop])
      expect(await entries.findById(id).lean()).toMatchObject({
        status: 'pending',
        holder: '',
        generation: 0,
      });
  });

  it('when the instance that queued a reply died before sending it, then after its lease another dispatcher sends it, once', async () => {
    const { clock, web, outbox, dispatcherOn, entries, transcript } = await setUp();
    // A dispatcher that takes the entry as it is queued and then is gone.
    const stopDead = outbox.sendLocallyWith({
      holdFor: (_channel, now) => ({ holder: 'died', leaseUntil: new Date(now.getTime() + 60_000) }),
      send: () => undefined,
    });
    const { id } = await outbox.enqueue(
      reply('reply:web:m2', 'session-local-0003', 'A technician is on the way.'),
    );
    stopDead();
    expect(await entries.findById(id).lean()).toMatchObject({ status: 'sending', holder: 'died' });

    const survivor = dispatcherOn('survivor', [['web', web.adapter]]);
    expect(await survivor.runOnce()).toBe(0); // its lease still runs
    clock.advance(60_001);
    expect(await survivor.runOnce()).toBe(1);
    expect(await entries.findById(id).lean()).toMatchObject({
      status: 'sent',
      holder: 'survivor',
      generation: 2,
    });
    expect((await transcript('session-local-0003')).map((record) => record.text)).toEqual([
      'A technician is on the way.',
    ]);
  });
});
