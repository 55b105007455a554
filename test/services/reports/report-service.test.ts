import { createFakeClock } from '../../../services/clock';
import { ownerModels } from '../../../services/owners/owner-model';
import type { LiveSnapshot } from '../../../services/reports/report-snapshots';
import { createReportService, quartersToRecount } from '../../../services/reports/report-service';
import { surveyModels } from '../../../services/surveys/survey-model';
import { useTestDatabase } from '../../support/database';
import { HOUR, MINUTE, alice, ticketSetup } from '../tickets/ticket-fixtures';

const database = useTestDatabase();

describe('report refresh', () => {
  const clock = createFakeClock('2026-08-15T02:00:00Z');
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    const connection = database().connection;
    const { owners } = ownerModels(connection);
    const owner = (name: string, unit: string, createdAt: string, demo = false) =>
      owners.create({
        householdKey: `1/${unit}/1380000${unit.replace('-', '')}`,
        name,
        building: '1',
        unit,
        room: unit,
        phone: `1380000${unit.replace('-', '')}`,
        phoneLast4: unit.replace('-', '').slice(-4),
        language: 'en',
        verified: true,
        demo,
        source: 'import',
        createdAt: new Date(createdAt),
        updatedAt: new Date(createdAt),
      });
    ids.li = String((await owner('Li <b>Na</b>', '1-0101', '2024-01-01T00:00:00Z'))._id);
    ids.tom = String((await owner('Tom', '1-0102', '2026-10-01T00:00:00Z'))._id);
    ids.demo = String((await owner('Demo', '1-0103', '2024-01-01T00:00:00Z', true))._id);

    const { tickets, open } = ticketSetup(connection, { clock });
    const openFor = async (who: string, kind: 'complaint' | 'work_order') =>
      String(
        (
          await open({
            kind,
            intent: kind === 'complaint' ? 'dissatisfaction' : 'help_seeking',
            category: kind === 'complaint' ? 'service_attitude' : 'equipment',
            ownerId: ids[who] as string,
            // Tom's cases were stored before homes reached cases: the refresh takes his from the owner file.
            ...(who === 'tom' ? {} : { building: '1' }),
          })
        ).ticket._id,
      );
    // Q3: Li's repair, on time, rated 2 at the return visit.
    const q3 = await openFor('li', 'work_order');
    clock.advance(30 * MINUTE);
    await tickets.claim(q3, alice);
    clock.advance(10 * HOUR);
    await tickets.resolve(q3, alice, 'fixed');
    await tickets.startReturnVisit(q3, 'bot');
    await tickets.recordReturnVisit(q3, { rating: 2, comment: 'still <noisy>' });

    // Q4 case 1: Li's complaint, claimed in 10 min, resolved in 2 h with a summary, then reopened.
    clock.set('2026-11-01T02:00:00Z');
    const c1 = await openFor('li', 'complaint');
    clock.advance(10 * MINUTE);
    await tickets.claim(c1, alice);
    clock.advance(110 * MINUTE);
    const summary = {
      rootCause: 'Lift parts out of stock',
      correctiveAction: 'Parts ordered',
      preventiveAction: 'Keep stock',
    };
    await tickets.resolve(c1, alice, 'sorry', { summary });
    clock.advance(HOUR);
    await tickets.reopen(c1, 'owner', 'again');
    await tickets.claim(c1, alice);
    await tickets.resolve(c1, alice, 'fixed now', { summary });
    // Q4 case 2: Li's complaint, claimed after 45 min (limit 30), resolved after 30 h (limit 24).
    clock.set('2026-11-10T02:00:00Z');
    const c2 = await openFor('li', 'complaint');
    clock.advance(45 * MINUTE);
    await tickets.claim(c2, alice);
    clock.advance(30 * HOUR - 45 * MINUTE);
    await tickets.resolve(c2, alice, 'done', {
      summary: {
        rootCause: 'lift parts out of stock ',
        correctiveAction: 'Repaired',
        preventiveAction: 'Monthly check',
      },
    });
    // Q4 case 3: Tom's repair, still unclaimed 38 h later (limit 2 h).
    clock.set('2026-11-20T12:00:00Z');
    ids.c3 = await openFor('tom', 'work_order');
    // The demo owner's complaint is left out: real owners exist.
    await openFor('demo', 'complaint');

    const { Campaigns, Answers } = surveyModels(connection);
    for (const quarter of ['2026Q3', '2026Q4'])
      await Campaigns.create({
        _id: `quarterly:${quarter}`,
        kind: 'quarterly',
        quarter,
        definitionId: 'test@1',
        status: 'done',
        startedAt: new Date(`${quarter === '2026Q3' ? '2026-07-10' : '2026-10-10'}T00:00:00Z`),
        remindAt: new Date('2026-10-12T00:00:00Z'),
        expiresAt: new Date('2026-10-24T00:00:00Z'),
        finishedAt: new Date(`${quarter === '2026Q3' ? '2026-07-24' : '2026-10-24'}T00:00:00Z`),
      });
    for (const [quarter, score] of [
      ['2026Q3', 5],
      ['2026Q4', 3],
    ] as const)
      await Answers.create({
        _id: `quarterly:${quarter}:${ids.li}:overall`,
        responseId: `quarterly:${quarter}:${ids.li}`,
        campaignId: `quarterly:${quarter}`,
        quarter,
        ownerId: ids.li,
        building: '1',
        questionId: 'overall',
        dimension: '',
        measure: 'overall',
        score,
        text: '',
        at: new Date(`${quarter === '2026Q3' ? '2026-07-11' : '2026-10-11'}T00:00:00Z`),
      });
    clock.set('2026-11-22T02:00:00Z');
  });

  it('when refreshed, then the quarter shows cases, SLA outcomes, times, complaints and repeat complainers as hand-counted', async () => {
    const reports = createReportService({ connection: database().connection, clock });
    await reports.refresh();
    const q4 = await reports.quarter('2026Q4');
    expect(q4?.scope).toBe('real');
    expect(q4?.frozen).toBe(false);
    expect(q4?.cases).toMatchObject({
      total: 3,
      byIntent: { dissatisfaction: 2, help_seeking: 1 },
      byMonth: { '2026-11': 3 },
      byBuilding: { '1': 3 },
      reopened: 1,
    });
    expect(q4?.sla.acknowledge).toEqual({ met: 1, breached: 2, pending: 0 });
    expect(q4?.sla.resolve).toEqual({ met: 1, breached: 1, pending: 1 });
    // First responses 10 and 45 minutes; first resolutions 120 and 1800 minutes.
    expect(q4?.sla.firstResponseMinutes).toEqual({ median: 27.5, p90: 45, count: 2 });
    expect(q4?.sla.resolutionMinutes).toEqual({ median: 960, p90: 1800, count: 2 });
    expect(q4?.complaints.total).toBe(2);
    expect(q4?.complaints.rootCauses).toEqual([{ text: 'Lift parts out of stock', count: 2 }]);
    expect(q4?.complaints.actions.map((a) => a.preventiveAction)).toEqual(['Monthly check', 'Keep stock']);
    expect(q4?.repeatComplainers).toEqual({
      total: 1,
      owners: [{ ownerId: ids.li, name: 'Li <b>Na</b>', building: '1', unit: '1-0101', complaints: 2 }],
    });
    expect(q4?.breaches.total).toBe(2);
    expect(q4?.breaches.cases.map((c) => c.deadlines)).toEqual([['acknowledge', 'resolve'], ['acknowledge']]);
    expect(q4?.satisfaction.overallScore).toEqual({ sum: 3, count: 1, mean: 3 });
    expect(q4?.satisfaction.byBuilding).toEqual({
      '1': expect.objectContaining({ overall: { sum: 3, count: 1 }, overallScore: 3, index: null }),
    });

    const q3 = await reports.quarter('2026Q3');
    expect(q3?.frozen).toBe(true);
    expect(q3?.returnVisits).toMatchObject({ rated: 1, ratingSum: 2, byRating: { '2': 1 } });
    expect(q3?.returnVisits.low).toEqual([
      { reference: expect.stringMatching(/^WO-2608-/), rating: 2, comment: 'still <noisy>', building: '1' },
    ]);
  });

  it('when refreshed, then the live snapshot counts open cases by age and names at-risk owners with their reasons', async () => {
    const reports = createReportService({ connection: database().connection, clock });
    const live = await reports.refresh();
    expect(live.owners).toEqual({ total: 2, demo: 1, real: 2 });
    expect(live.openCases.total).toBe(1);
    expect(live.openCases.byAge).toEqual({ lt1d: 0, '1to3d': 1, '3to7d': 0, '7to30d': 0, gt30d: 0 });
    expect(live.stages).toEqual({ investigation: 1, formation: 0, stability: 0, degradation: 1 });
    expect(live.atRisk.owners).toEqual([
      expect.objectContaining({
        ownerId: ids.li,
        reasons: ['satisfaction_drop', 'frequent_complaints', 'reopened_cases'],
        latestScore: 3,
        previousScore: 5,
        complaints90d: 2,
        reopened180d: 1,
      }),
    ]);
    expect(live.quarters).toEqual(['2026Q3', '2026Q4']);
  });

  it('when a frozen quarter changes, then a refresh keeps its figures and a rebuild recomputes them', async () => {
    const connection = database().connection;
    const { open } = ticketSetup(connection, { clock: createFakeClock('2026-09-01T02:00:00Z') });
    await open({ ownerId: ids.tom as string, building: '1' });
    const reports = createReportService({ connection, clock });
    await reports.refresh();
    expect((await reports.quarter('2026Q3'))?.cases.total).toBe(1);
    await reports.refresh({ rebuild: true });
    expect((await reports.quarter('2026Q3'))?.cases.total).toBe(2);
  });

  it('when refreshed after a first refresh, then reading only the quarters that can still change gives what reading every case gives', async () => {
    const connection = database().connection;
    // An open case of a long-frozen quarter, and a settled one of a quarter outside every window.
    const old = ticketSetup(connection, { clock: createFakeClock('2025-02-10T02:00:00Z') });
    await old.open({ ownerId: ids.tom as string, building: '1' });
    const settled = (await old.open({ ownerId: ids.li as string, building: '1' })).ticket;
    await old.tickets.claim(String(settled._id), alice);
    await old.tickets.resolve(String(settled._id), alice, 'done');
    const reports = createReportService({ connection, clock });
    const comparable = ({ computedAt: _at, refreshMs: _ms, ...rest }: LiveSnapshot) => rest;

    const rebuilt = comparable(await reports.refresh({ rebuild: true }));
    const currentRebuilt = await reports.quarter('2026Q4');
    const steady = comparable(await reports.refresh());
    expect(steady).toEqual(rebuilt);
    expect(steady.openCases.oldest[0]?.createdAt).toEqual(new Date('2025-02-10T02:00:00Z'));
    const { computedAt: _a, ...current } = (await reports.quarter('2026Q4'))!;
    const { computedAt: _b, ...expected } = currentRebuilt!;
    expect(current).toEqual(expected);
  });

  it('when asked which quarters to recount, then it names the current one, those not frozen and those of the last 180 days', () => {
    expect(
      quartersToRecount({
        now: new Date('2026-11-22T02:00:00Z'),
        timeZone: 'Asia/Shanghai',
        current: '2026Q4',
        surveyQuarters: ['2025Q3', '2026Q3', '2026Q4'],
        known: [
          { quarter: '2025Q1', frozen: true },
          { quarter: '2025Q3', frozen: true },
          { quarter: '2026Q1', frozen: false },
        ],
      }),
    ).toEqual(['2026Q1', '2026Q2', '2026Q3', '2026Q4']);
  });
});
