import { createFakeClock } from '../../../services/clock';
import { OUTCOME_UNKNOWN_REASON } from '../../../services/outbox/dispatcher';
import { createOutbox } from '../../../services/outbox/outbox';
import { runOutboxDead, runOutboxRequeue } from '../../../services/outbox/outbox-commands';
import { outboxModels } from '../../../services/outbox/outbox-model';
import { useTestDatabase } from '../../support/database';
import { captureOutput } from '../../support/output';

const database = useTestDatabase();

describe('outbox dead and requeue commands', () => {
  const clock = createFakeClock('2026-12-02T02:00:00Z');
  beforeEach(async () => {
    const { entries, attempts } = outboxModels(database().connection);
    await Promise.all([entries.deleteMany({}), attempts.deleteMany({})]);
  });

  /** Three dead letters: a survey cut by a crash, a survey and a reply refused by the platform. */
  async function seedDeadLetters() {
    const outbox = createOutbox({ connection: database().connection, clock });
    const { entries } = outboxModels(database().connection);
    const dead = async (key: string, purpose: 'survey' | 'reply', reason: string) => {
      await outbox.enqueue({
        key,
        address: { channel: 'telegram', conversationId: `chat-${key}` },
        message: { text: '请为本季度的物业服务打分', language: 'zh' },
        purpose,
      });
      clock.advance(1000);
      await entries.updateOne({ key }, { $set: { status: 'dead', deadReason: reason, deadAt: clock.now() } });
    };
    await dead('survey:2026Q4:o-cut', 'survey', OUTCOME_UNKNOWN_REASON);
    await dead('survey:2026Q4:o-blocked', 'survey', 'forbidden (403): the owner blocked the bot');
    await dead('reply:m-cut', 'reply', OUTCOME_UNKNOWN_REASON);
    return outbox;
  }

  it('when dead letters are listed, then they come newest first with their reasons, narrowed by the flags', async () => {
    await seedDeadLetters();
    const all = captureOutput();
    const narrowed = captureOutput();

    expect(await runOutboxDead({ connection: database().connection, out: all.out, flags: {} })).toBe(0);
    expect(
      await runOutboxDead({
        connection: database().connection,
        out: narrowed.out,
        flags: { 'outcome-unknown': true, purpose: 'survey' },
      }),
    ).toBe(0);

    const keys = (text: string) => [...text.matchAll(/ (\S+:\S+)\n/g)].map((match) => match[1]);
    expect(keys(all.text())).toEqual(['reply:m-cut', 'survey:2026Q4:o-blocked', 'survey:2026Q4:o-cut']);
    expect(all.text()).toContain('forbidden (403)');
    expect(all.text()).toContain('3 dead letters');
    expect(keys(narrowed.text())).toEqual(['survey:2026Q4:o-cut']);
  });

  it('when outcome-unknown surveys are requeued, then only they are pending again and the output warns of a repeat', async () => {
    const outbox = await seedDeadLetters();
    const out = captureOutput();

    const code = await runOutboxRequeue({
      connection: database().connection,
      out: out.out,
      keys: [],
      flags: { 'outcome-unknown': true, purpose: 'survey' },
    });

    expect(code).toBe(0);
    expect(out.text()).toContain('requeued survey:2026Q4:o-cut (it may have arrived');
    expect(out.text()).toContain('1 of 1 requeued');
    expect(await outbox.get('survey:2026Q4:o-cut')).toMatchObject({ status: 'pending', failures: 0 });
    expect(await outbox.get('survey:2026Q4:o-blocked')).toMatchObject({ status: 'dead' });
    expect(await outbox.get('reply:m-cut')).toMatchObject({ status: 'dead' });
  });

  it('when keys are requeued by name, then dead ones are and an unknown key is named; bad flags get the usage', async () => {
    const outbox = await seedDeadLetters();
    const out = captureOutput();
    const bad = captureOutput();

    const code = await runOutboxRequeue({
      connection: database().connection,
      out: out.out,
      keys: ['survey:2026Q4:o-blocked', 'survey:2026Q4:o-nobody'],
      flags: {},
    });
    const usage = await runOutboxRequeue({
      connection: database().connection,
      out: bad.out,
      keys: ['survey:2026Q4:o-blocked'],
      flags: { 'outcome-unknown': true },
    });
    const badPurpose = await runOutboxDead({
      connection: database().connection,
      out: bad.out,
      flags: { purpose: 'spam' },
    });

    expect(code).toBe(1);
    expect(out.text()).toContain('requeued survey:2026Q4:o-blocked\n');
    expect(out.text()).toContain('not a dead letter: survey:2026Q4:o-nobody');
    expect(await outbox.get('survey:2026Q4:o-blocked')).toMatchObject({ status: 'pending' });
    expect(usage).toBe(64);
    expect(badPurpose).toBe(64);
    expect(bad.text()).toContain('usage: ownerbot outbox requeue');
    expect(bad.text()).toContain('--purpose must be one of');
  });
});
