import { Registry } from 'prom-client';
import { createFakeClock } from '../../../services/clock';
import { AppError } from '../../../services/errors';
import { createOutbox, type EnqueueInput } from '../../../services/outbox/outbox';
import { createOutboxMetrics } from '../../../services/outbox/outbox-metrics';
import { outboxModels } from '../../../services/outbox/outbox-model';
import { useTestDatabase } from '../../support/database';

const database = useTestDatabase();

beforeEach(async () => {
  const { entries, attempts } = outboxModels(database().connection);
  await Promise.all([entries.deleteMany({}), attempts.deleteMany({})]);
});

const DAY = 24 * 60 * 60_000;

function survey(ownerId: string, overrides: Partial<EnqueueInput> = {}): EnqueueInput {
  return {
    key: `survey:2026Q4:${ownerId}`,
    address: { channel: 'telegram', conversationId: `chat-${ownerId}` },
    message: { text: '请为本季度的物业服务打分', language: 'zh' },
    purpose: 'survey',
    ownerId,
    ...overrides,
  };
}

describe('outbox enqueue', () => {
  it('when the same key is enqueued three times at once, then one entry exists and one call created it', async () => {
    const clock = createFakeClock();
    const outbox = createOutbox({ connection: database().connection, clock });

    const results = await Promise.all([1, 2, 3].map(() => outbox.enqueue(survey('o-race'))));

    expect(results.filter((result) => result.created)).toHaveLength(1);
    expect(new Set(results.map((result) => result.id)).size).toBe(1);
    const { entries } = outboxModels(database().connection);
    expect(await entries.countDocuments({ key: 'survey:2026Q4:o-race' })).toBe(1);
  });

  it('when a key is enqueued again later with a different text, then nothing changes', async () => {
    const clock = createFakeClock();
    const outbox = createOutbox({ connection: database().connection, clock });
    const first = await outbox.enqueue(survey('o-again'));
    clock.advance(60_000);

    const second = await outbox.enqueue(survey('o-again', { message: { text: 'changed' } }));

    expect(second).toEqual({ id: first.id, created: false });
    const entry = await outbox.get('survey:2026Q4:o-again');
    expect(entry?.message.text).toBe('请为本季度的物业服务打分');
    expect(entry?.createdAt).toEqual(new Date('2026-11-22T02:00:00Z'));
  });

  it('when an entry is enqueued, then get returns it pending and due at once, with its optional fields', async () => {
    const clock = createFakeClock();
    const outbox = createOutbox({ connection: database().connection, clock });

    await outbox.enqueue({
      key: 'reply:m-1',
      address: { channel: 'slack', conversationId: 'C1', threadId: '1700000000.000100' },
      message: { text: 'On it', buttons: [{ label: 'Claim', action: 'claim:case-1' }] },
      purpose: 'escalation',
      caseId: 'case-1',
    });

    expect(await outbox.get('reply:m-1')).toMatchObject({
      key: 'reply:m-1',
      status: 'pending',
      generation: 0,
      purpose: 'escalation',
      caseId: 'case-1',
      address: { channel: 'slack', conversationId: 'C1', threadId: '1700000000.000100' },
      message: { text: 'On it', buttons: [{ label: 'Claim', action: 'claim:case-1' }] },
      nextAttemptAt: clock.now(),
    });
    expect((await outbox.get('reply:m-1'))?.ownerId).toBeUndefined();
    expect(await outbox.get('reply:nope')).toBeUndefined();
  });

  it('when the input is invalid, then enqueue throws naming every problem', async () => {
    const outbox = createOutbox({ connection: database().connection, clock: createFakeClock() });
    const bad = {
      key: '',
      address: { channel: 'fax', conversationId: '' },
      message: { text: '' },
      purpose: 'spam',
    } as unknown as EnqueueInput;

    const error = await outbox.enqueue(bad).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('outbox_invalid_entry');
    for (const field of ['key', 'address.channel', 'address.conversationId', 'message.text', 'purpose'])
      expect((error as Error).message).toContain(field);
  });

  it('when a sent entry passes its retention, then its text is erased and its key stays taken until the key window ends', async () => {
    const clock = createFakeClock();
    const outbox = createOutbox({ connection: database().connection, clock });
    const { entries } = outboxModels(database().connection);
    const { id } = await outbox.enqueue(survey('o-purged'));
    // What the dispatcher writes once the platform accepted it.
    await entries.updateOne({ _id: id }, { $set: { status: 'sent', sentAt: clock.now() } });
    clock.advance(8 * DAY);

    expect(await outbox.purge()).toMatchObject({ sentTexts: 1, entries: 0 });
    expect(await outbox.get('survey:2026Q4:o-purged')).toMatchObject({
      status: 'sent',
      message: { text: '' },
    });
    expect(await outbox.enqueue(survey('o-purged'))).toEqual({ id, created: false });
    expect(await outbox.purge()).toMatchObject({ sentTexts: 0, entries: 0 });

    clock.advance(400 * DAY);
    expect(await outbox.purge()).toMatchObject({ entries: 1 });
    expect(await outbox.get('survey:2026Q4:o-purged')).toBeUndefined();
    const again = await outbox.enqueue(survey('o-purged'));
    expect(again.created).toBe(true);
    expect(again.id).not.toBe(id);
  });

  it('when a sent entry is still retained, then get returns it sent with its text and enqueueing its key again creates nothing', async () => {
    const clock = createFakeClock();
    const outbox = createOutbox({ connection: database().connection, clock });
    const { entries } = outboxModels(database().connection);
    const { id } = await outbox.enqueue(survey('o-sent'));
    await entries.updateOne({ _id: id }, { $set: { status: 'sent', sentAt: clock.now(), generation: 1 } });
    clock.advance(DAY);

    const again = await outbox.enqueue(survey('o-sent', { message: { text: 'changed' } }));

    expect(again).toEqual({ id, created: false });
    expect(await outbox.purge()).toMatchObject({ sentTexts: 0 });
    expect(await outbox.get('survey:2026Q4:o-sent')).toMatchObject({
      status: 'sent',
      generation: 1,
      message: { text: '请为本季度的物业服务打分' },
    });
    expect(await entries.countDocuments({ key: 'survey:2026Q4:o-sent' })).toBe(1);
  });

  it('when many are enqueued at once, then each key gets one entry, results follow the input, and taken keys are found', async () => {
    const clock = createFakeClock();
    const outbox = createOutbox({ connection: database().connection, clock });
    const { entries } = outboxModels(database().connection);
    const live = await outbox.enqueue(survey('o-live'));
    const sent = await outbox.enqueue(survey('o-sent-before'));
    await entries.updateOne({ _id: sent.id }, { $set: { status: 'sent', sentAt: clock.now() } });
    clock.advance(60_000);

    const inputs = ['o-new-1', 'o-live', 'o-new-2', 'o-sent-before', 'o-new-1'].map((id) => survey(id));
    const reversed = [...inputs].reverse();
    const [first, second] = await Promise.all([outbox.enqueueMany(inputs), outbox.enqueueMany(reversed)]);

    // Two calls at once, each key listed two to four times in all: one creation per new key.
    const created = [...inputs, ...reversed].filter((_, i) => [...first!, ...second!][i]!.created);
    expect(created.map((input) => input.key).sort()).toEqual([
      'survey:2026Q4:o-new-1',
      'survey:2026Q4:o-new-2',
    ]);
    expect(first![1]).toEqual({ id: live.id, created: false });
    expect(first![3]).toEqual({ id: sent.id, created: false });
    expect(first![4]).toEqual({ id: first![0]!.id, created: false });
    expect(second![0]!.id).toBe(first![0]!.id); // reversed: o-new-1 is first
    for (const id of ['o-new-1', 'o-new-2', 'o-live', 'o-sent-before'])
      expect(await entries.countDocuments({ key: `survey:2026Q4:${id}` })).toBe(1);
    expect(await outbox.get('survey:2026Q4:o-sent-before')).toMatchObject({ status: 'sent' });
  });

  it('when one input of many is invalid, then nothing is enqueued', async () => {
    const outbox = createOutbox({ connection: database().connection, clock: createFakeClock() });
    const inputs = [survey('o-fine'), survey('o-bad', { message: { text: '' } })];

    await expect(outbox.enqueueMany(inputs)).rejects.toMatchObject({ code: 'outbox_invalid_entry' });

    expect(await outbox.get('survey:2026Q4:o-fine')).toBeUndefined();
  });

  it('when a dead letter is requeued, then it is pending and due again with fresh attempts and no records of its earlier sends', async () => {
    const clock = createFakeClock();
    const outbox = createOutbox({ connection: database().connection, clock });
    const { entries, attempts } = outboxModels(database().connection);
    const { id } = await outbox.enqueue(survey('o-dead'));
    await entries.updateOne(
      { key: 'survey:2026Q4:o-dead' },
      {
        $set: {
          status: 'dead',
          generation: 1,
          failures: 8,
          deadReason: 'forbidden (403)',
          deadAt: clock.now(),
        },
      },
    );
    const record = { entryId: id, part: 0, generation: 1, holder: 'x', createdAt: clock.now() };
    await attempts.create({ _id: `${id}:0:1`, ...record });
    expect((await outbox.deadLetters()).map((entry) => entry.key)).toContain('survey:2026Q4:o-dead');
    clock.advance(60_000);

    expect(await outbox.requeue('survey:2026Q4:o-dead')).toBe(true);
    expect(await outbox.requeue('survey:2026Q4:o-dead')).toBe(false);

    expect(await outbox.get('survey:2026Q4:o-dead')).toMatchObject({
      status: 'pending',
      failures: 0,
      nextAttemptAt: clock.now(),
    });
    expect((await outbox.get('survey:2026Q4:o-dead'))?.deadReason).toBeUndefined();
    expect(await attempts.countDocuments({ entryId: id })).toBe(0);
  });

  it('when a dead letter passes its retention, then its text is erased, it is neither listed nor requeued, and its key stays taken', async () => {
    const clock = createFakeClock();
    const outbox = createOutbox({ connection: database().connection, clock });
    const { entries } = outboxModels(database().connection);
    const { id } = await outbox.enqueue(survey('o-old-dead'));
    await entries.updateOne(
      { _id: id },
      { $set: { status: 'dead', deadReason: 'forbidden (403)', deadAt: clock.now() } },
    );
    clock.advance(31 * DAY);

    expect(await outbox.purge()).toMatchObject({ deadTexts: 1, entries: 0 });

    expect(await outbox.deadLetters()).toEqual([]);
    expect(await outbox.requeue('survey:2026Q4:o-old-dead')).toBe(false);
    expect(await outbox.get('survey:2026Q4:o-old-dead')).toMatchObject({
      status: 'dead',
      message: { text: '' },
    });
    expect(await outbox.enqueue(survey('o-old-dead'))).toEqual({ id, created: false });
  });
});

describe('outbox stats and metrics', () => {
  it('when entries wait, then stats and the depth gauges show depth by status and the oldest due age', async () => {
    const connection = database().connection;
    const { entries } = outboxModels(connection);
    const clock = createFakeClock();
    const registry = new Registry();
    const metrics = createOutboxMetrics(registry);
    const outbox = createOutbox({ connection, clock, metrics });
    await outbox.enqueue(survey('s-1'));
    clock.advance(30_000);
    await outbox.enqueue(survey('s-2'));
    await outbox.enqueue(survey('s-3', { notBefore: new Date(clock.now().getTime() + DAY) }));
    await outbox.enqueue(survey('s-1'));
    // s-4 is being sent, s-5 was sent, s-6 is a dead letter and s-7 one past its retention.
    const lease = { holder: 'x', generation: 1, leaseUntil: new Date(clock.now().getTime() + 60_000) };
    const set = async (key: string, fields: object) => {
      await outbox.enqueue(survey(key));
      await entries.updateOne({ key: `survey:2026Q4:${key}` }, { $set: fields });
    };
    await set('s-4', { status: 'sending', ...lease });
    await set('s-5', { status: 'sent', sentAt: clock.now() });
    await set('s-6', { status: 'dead', deadAt: clock.now() });
    await set('s-7', { status: 'dead', deadAt: new Date(clock.now().getTime() - 31 * DAY) });
    clock.advance(15_000);

    const stats = await outbox.stats();

    expect(stats).toEqual({ pending: 3, due: 2, sending: 1, dead: 1, oldestPendingAgeMs: 45_000 });
    const text = await registry.metrics();
    expect(text).toContain('ownerbot_outbox_depth{status="pending"} 3');
    expect(text).toContain('ownerbot_outbox_oldest_pending_age_seconds 45');
    expect(text).toContain('ownerbot_outbox_depth{status="sending"} 1');
    expect(text).toContain('ownerbot_outbox_depth{status="dead"} 1');
    expect(text).toContain('ownerbot_outbox_enqueued_total{purpose="survey",result="created"} 7');
    expect(text).toContain('ownerbot_outbox_enqueued_total{purpose="survey",result="duplicate"} 1');
  });
});
