import { Types } from 'mongoose';
import { Registry } from 'prom-client';
import { createFakeClock } from '../../../services/clock';
import { AppError } from '../../../services/errors';
import { createOutbox, type EnqueueInput } from '../../../services/outbox/outbox';
import { createOutboxMetrics } from '../../../services/outbox/outbox-metrics';
import { outboxModels } from '../../../services/outbox/outbox-model';
import { useTestDatabase } from '../../support/database';

const database = useTestDatabase();

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
      attempts: 0,
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

  it('when a sent entry was purged, then its key stays taken and enqueueing it again creates nothing', async () => {
    const clock = createFakeClock();
    const outbox = createOutbox({ connection: database().connection, clock });
    const { entries, sent } = outboxModels(database().connection);
    const { id } = await outbox.enqueue(survey('o-purged'));
    // What the dispatcher does once the platform accepted it: the sent copy, then the delete.
    const record = await entries.findOne({ key: 'survey:2026Q4:o-purged' }).lean();
    await sent.collection.insertOne({ ...record!, status: 'sent', sentAt: clock.now() });
    await entries.deleteOne({ _id: record!._id });
    clock.advance(8 * DAY);

    const purged = await outbox.purge();
    const again = await outbox.enqueue(survey('o-purged'));

    expect(purged.sent).toBeGreaterThanOrEqual(1);
    expect(await outbox.get('survey:2026Q4:o-purged')).toBeUndefined();
    expect(again).toEqual({ id, created: false });
    expect(await entries.countDocuments({ key: 'survey:2026Q4:o-purged' })).toBe(0);
    expect(await sent.countDocuments({ key: 'survey:2026Q4:o-purged' })).toBe(0);
  });

  it('when a sent entry is still retained, then get returns it sent and enqueueing its key again creates nothing', async () => {
    const clock = createFakeClock();
    const outbox = createOutbox({ connection: database().connection, clock });
    const { entries, sent } = outboxModels(database().connection);
    const { id } = await outbox.enqueue(survey('o-sent'));
    const record = await entries.findOne({ key: 'survey:2026Q4:o-sent' }).lean();
    await sent.collection.insertOne({ ...record!, status: 'sent', sentAt: clock.now(), attempts: 1 });
    await entries.deleteOne({ _id: record!._id });
    clock.advance(DAY);

    const again = await outbox.enqueue(survey('o-sent'));

    expect(again).toEqual({ id, created: false });
    expect(await outbox.get('survey:2026Q4:o-sent')).toMatchObject({ status: 'sent', attempts: 1 });
    expect(await entries.countDocuments({ key: 'survey:2026Q4:o-sent' })).toBe(0);
    expect(await outbox.purge()).toMatchObject({ sent: 0 });
  });

  it('when an enqueue died after taking the key, then enqueueing the key again writes the entry once', async () => {
    const clock = createFakeClock();
    const outbox = createOutbox({ connection: database().connection, clock });
    const { keys, entries } = outboxModels(database().connection);
    const orphan = await keys.create({
      _id: 'reply:m-crashed',
      entryId: new Types.ObjectId(),
      createdAt: clock.now(),
    });
    clock.advance(5 * 60_000);
    const input = { ...survey('o-crash'), key: 'reply:m-crashed', purpose: 'reply' as const };

    const results = await Promise.all([outbox.enqueue(input), outbox.enqueue(input)]);

    expect(results.filter((result) => result.created)).toHaveLength(1);
    expect(results.every((result) => result.id === String(orphan.entryId))).toBe(true);
    expect(await entries.countDocuments({ key: 'reply:m-crashed' })).toBe(1);
  });

  it('when many are enqueued at once, then each key gets one entry, results follow the input, and taken keys are found or repaired', async () => {
    const clock = createFakeClock();
    const outbox = createOutbox({ connection: database().connection, clock });
    const { keys, entries, sent } = outboxModels(database().connection);
    const live = await outbox.enqueue(survey('o-live'));
    const moved = await outbox.enqueue(survey('o-moved'));
    const record = await entries.findOne({ key: 'survey:2026Q4:o-moved' }).lean();
    await sent.collection.insertOne({ ...record!, status: 'sent', sentAt: clock.now() });
    await entries.deleteOne({ _id: record!._id });
    const orphan = await keys.create({
      _id: 'survey:2026Q4:o-orphan',
      entryId: new Types.ObjectId(),
      createdAt: clock.now(),
    });
    clock.advance(60_000);

    const inputs = ['o-new-1', 'o-live', 'o-new-2', 'o-moved', 'o-orphan', 'o-new-1', 'o-orphan'].map((id) =>
      survey(id),
    );
    const reversed = [...inputs].reverse();
    const [first, second] = await Promise.all([outbox.enqueueMany(inputs), outbox.enqueueMany(reversed)]);

    // Two calls at once, each key listed two to four times in all: one creation per new or orphaned key.
    const created = [...inputs, ...reversed].filter((_, i) => [...first!, ...second!][i]!.created);
    expect(created.map((input) => input.key).sort()).toEqual([
      'survey:2026Q4:o-new-1',
      'survey:2026Q4:o-new-2',
      'survey:2026Q4:o-orphan',
    ]);
    expect(first![1]).toEqual({ id: live.id, created: false });
    expect(first![3]).toEqual({ id: moved.id, created: false });
    expect(first![4]!.id).toBe(String(orphan.entryId));
    expect(first![6]!.id).toBe(String(orphan.entryId));
    expect(first![5]!.id).toBe(first![0]!.id);
    expect(second![1]!.id).toBe(first![0]!.id); // reversed: o-new-1 is second
    for (const id of ['o-new-1', 'o-new-2', 'o-orphan', 'o-live'])
      expect(await entries.countDocuments({ key: `survey:2026Q4:${id}` })).toBe(1);
    expect(await entries.countDocuments({ key: 'survey:2026Q4:o-moved' })).toBe(0);
  });

  it('when one input of many is invalid, then nothing is enqueued', async () => {
    const outbox = createOutbox({ connection: database().connection, clock: createFakeClock() });
    const inputs = [survey('o-fine'), survey('o-bad', { message: { text: '' } })];

    await expect(outbox.enqueueMany(inputs)).rejects.toMatchObject({ code: 'outbox_invalid_entry' });

    expect(await outbox.get('survey:2026Q4:o-fine')).toBeUndefined();
  });

  it('when a dead letter is requeued, then it is pending and due again with fresh attempts', async () => {
    const clock = createFakeClock();
    const outbox = createOutbox({ connection: database().connection, clock });
    const { entries } = outboxModels(database().connection);
    await outbox.enqueue(survey('o-dead'));
    await entries.updateOne(
      { key: 'survey:2026Q4:o-dead' },
      { $set: { status: 'dead', failures: 8, deadReason: 'forbidden (403)', deadAt: clock.now() } },
    );
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
  });
});

describe('outbox stats and metrics', () => {
  it('when entries wait, then stats and the depth gauges show depth by status and the oldest due age', async () => {
    const connection = database().connection;
    const { entries, sent, claims } = outboxModels(connection);
    await Promise.all([entries.deleteMany({}), sent.deleteMany({}), claims.deleteMany({})]);
    const clock = createFakeClock();
    const registry = new Registry();
    const metrics = createOutboxMetrics(registry);
    const outbox = createOutbox({ connection, clock, metrics });
    await outbox.enqueue(survey('s-1'));
    clock.advance(30_000);
    await outbox.enqueue(survey('s-2'));
    await outbox.enqueue(survey('s-3', { notBefore: new Date(clock.now().getTime() + DAY) }));
    await outbox.enqueue(survey('s-1'));
    // s-4 is being sent (a live claim token) and s-5 was sent.
    const held = await outbox.enqueue(survey('s-4'));
    const lease = {
      owner: 'x',
      createdAt: clock.now(),
      leaseUntil: new Date(clock.now().getTime() + 60_000),
    };
    await claims.create({ _id: `${held.id}:1`, ...lease });
    const done = await outbox.enqueue(survey('s-5'));
    const record = await entries.findById(done.id).lean();
    await sent.collection.insertOne({ ...record!, status: 'sent', sentAt: clock.now() });
    await entries.deleteOne({ _id: record!._id });
    clock.advance(15_000);

    const stats = await outbox.stats();

    expect(stats).toEqual({ pending: 3, due: 2, sending: 1, sent: 1, dead: 0, oldestPendingAgeMs: 45_000 });
    const text = await registry.metrics();
    expect(text).toContain('ownerbot_outbox_depth{status="pending"} 3');
    expect(text).toContain('ownerbot_outbox_oldest_pending_age_seconds 45');
    expect(text).toContain('ownerbot_outbox_depth{status="sending"} 1');
    expect(text).toContain('ownerbot_outbox_enqueued_total{purpose="survey",result="created"} 5');
    expect(text).toContain('ownerbot_outbox_enqueued_total{purpose="survey",result="duplicate"} 1');
  });
});
