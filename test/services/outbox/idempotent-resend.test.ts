import pino from 'pino';
import { createSessionIds } from '../../../bots/channels/web/session-ids';
import { createWebChat } from '../../../bots/channels/web/web-chat';
import { createAttachmentStore } from '../../../services/attachments/attachment-store';
import type { ChannelAdapter, ChannelName } from '../../../services/channels/types';
import { createFakeClock } from '../../../services/clock';
import { createDispatcher } from '../../../services/outbox/dispatcher';
import { createOutbox } from '../../../services/outbox/outbox';
import { outboxModels } from '../../../services/outbox/outbox-model';
import { useTestDatabase } from '../../support/database';

const database = useTestDatabase();
const silent = pino({ level: 'silent' });

/**
 * The web chat writes each reply under its outbox delivery, so a reply whose sender died
 * mid-send is simply sent again: the owner sees it once, and it is not given up as "outcome
 * unknown" (which the platforms without such a key still need).
 */
describe('a send repeated on a channel whose sends are idempotent', () => {
  it('when the sender died during a web chat reply, then the next holder sends it again and the transcript holds it once', async () => {
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
    const address = { channel: 'web' as const, conversationId: 'session-reference-0001' };
    await outbox.enqueue({
      key: 'reply:web:m1:faq',
      address,
      purpose: 'reply',
      message: { text: 'The fee is paid at the office.' },
    });

    // The first holder wrote its attempt record and the transcript, then died before settling.
    const { entries, attempts } = outboxModels(connection);
    const entry = await entries.findOne({ key: 'reply:web:m1:faq' }).lean();
    await entries.updateOne(
      { _id: entry!._id },
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
      _id: `${String(entry!._id)}:0:1`,
      entryId: String(entry!._id),
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
    const survivor = createDispatcher({
      connection,
      adapters: new Map<ChannelName, ChannelAdapter>([['web', web.adapter]]),
      clock,
      logger: silent,
      instanceId: 'survivor',
      limits: { web: { perSecond: Infinity, perConversationPerSecond: Infinity } },
      shareRate: false,
    });
    expect(await survivor.runOnce()).toBe(1);
    expect((await entries.findOne({ _id: entry!._id }).lean())?.status).toBe('sent');
    const transcript = await connection
      .collection('web_transcripts')
      .find({ sessionId: address.conversationId })
      .toArray();
    expect(transcript.map((record) => record.text)).toEqual(['The fee is paid at the office.']);
  });
});
