import { runDailyDigest } from '../../../schedules/daily-digest';
import { createDigestService } from '../../../services/digest/digest-service';
import { createReturnVisitService } from '../../../services/return-visits/return-visit-service';
import { createCoreHarness, STAFF_ADDRESS } from '../../support/core-harness';
import { useTestDatabase } from '../../support/database';

const database = useTestDatabase();

describe('daily digest', () => {
  it('when the morning digest runs, then staff get the previous day in figures, once', async () => {
    const h = createCoreHarness(database().connection);
    const connection = database().connection;
    const returnVisits = createReturnVisitService({
      connection,
      tickets: h.tickets,
      owners: h.owners,
      outbox: h.outbox,
      clock: h.clock,
      logger: h.logger,
      staffAddress: STAFF_ADDRESS,
    });
    const digest = createDigestService({
      connection,
      returnVisits,
      outbox: h.outbox,
      logger: h.logger,
      timeZone: 'Asia/Shanghai',
      staffAddress: STAFF_ADDRESS,
      language: 'en',
    });
    // 22 November, 10:00 Shanghai: a suggestion, a complaint left unclaimed past its SLA.
    await h.send('I suggest adding more bicycle racks near gate 2', { from: 'dg-1' });
    await h.send('Your receptionist was extremely rude to me today, unacceptable', { from: 'dg-2' });
    h.clock.advance(40 * 60_000);
    await h.tickets.applyDueEscalations(h.clock.now());
    const [complaint] = await h.tickets.listOpen('telegram:dg-2');

    h.clock.set('2026-11-23T00:05:00Z'); // 08:05 the next morning
    const deps = { digest, cron: '0 8 * * *', timezone: 'Asia/Shanghai' };
    expect(await runDailyDigest(deps, h.clock.now())).toEqual({ day: '2026-11-22', queued: true });
    expect(await runDailyDigest(deps, h.clock.now())).toEqual({ day: '2026-11-22', queued: false });
    const text = (await h.outbox.get('digest:2026-11-22'))?.message.text ?? '';
    expect(text.split('\n')).toEqual([
      '📰 Daily digest 2026-11-22',
      'New suggestions: 1',
      expect.stringMatching(/^ {2}· SG-2611-\d{4} I suggest adding more bicycle racks near gate 2$/),
      'New questions: 0',
      'Open cases by age: under 1 day 2 · 1-3 days 0 · 3-7 days 0 · over 7 days 0',
      'SLA breaches (escalated, still open): 1',
      `  · ${complaint!.reference} (L1)`,
      "Yesterday's survey: 0 completed, 0 answers, overall mean —",
      "Yesterday's return visits: 0 answered (0 solved · 0 not), mean rating —, 0 to call",
    ]);
  });

  it('when staff read Chinese and an owner wrote Slack markup, then the digest is in Chinese and the markup stays text', () => {
    const h = createCoreHarness(database().connection);
    const digest = createDigestService({
      connection: database().connection,
      returnVisits: createReturnVisitService({
        connection: database().connection,
        tickets: h.tickets,
        owners: h.owners,
        outbox: h.outbox,
        clock: h.clock,
        logger: h.logger,
      }),
      outbox: h.outbox,
      logger: h.logger,
      timeZone: 'Asia/Shanghai',
      language: 'zh',
    });
    const text = digest.render({
      day: '2026-11-22',
      suggestions: [{ reference: 'SG-2611-0001', title: '<!channel> 建议 <https://evil.example|看这里>' }],
      questions: [],
      openByAge: { under1d: 1, d1to3: 0, d3to7: 0, over7d: 0 },
      slaBreaches: [],
      survey: { completed: 0, answers: 0, overallMean: null },
      returnVisits: { answered: 0, solved: 0, notSolved: 0, ratingMean: null, phone: 0 },
    });
    expect(text.split('\n').slice(0, 3)).toEqual([
      '📰 每日简报 2026-11-22',
      '新建议 1 条',
      '  · SG-2611-0001 &lt;!channel&gt; 建议 &lt;https://evil.example|看这里&gt;',
    ]);
  });
});
