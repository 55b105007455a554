import pino from 'pino';
import { runSurveyCampaign } from '../../schedules/survey-campaign';
import { trusted } from '../../services/database/connect';
import { createFakeClock } from '../../services/clock';
import { createOutbox } from '../../services/outbox/outbox';
import { outboxModels } from '../../services/outbox/outbox-model';
import { createOwnerService } from '../../services/owners/owner-service';
import { surveyModels } from '../../services/surveys/survey-model';
import { createSurveyService } from '../../services/surveys/survey-service';
import { useTestDatabase } from '../support/database';
import { seedOwners } from '../services/surveys/survey-fixtures';

const database = useTestDatabase();
const logger = pino({ level: 'silent' });
const CRON = '0 10 1 1,4,7,10 *';

function instance(clock: ReturnType<typeof createFakeClock>) {
  const connection = database().connection;
  const owners = createOwnerService({ connection, clock });
  const outbox = createOutbox({ connection, clock });
  const surveys = createSurveyService({ connection, owners, outbox, clock, logger });
  const deps = { surveys, cron: CRON, timezone: 'Asia/Shanghai', expireAfterMs: 14 * 86_400_000, logger };
  return { surveys, run: () => runSurveyCampaign(deps, clock.now()) };
}

const surveyKeys = async (quarter: string) =>
  (
    await outboxModels(database().connection)
      .entries.find({ key: trusted({ $regex: `^survey:${quarter}:` }) }, { key: 1 })
      .lean()
  )
    .map((e) => e.key)
    .sort();

describe('survey campaign job', () => {
  it('when the service comes back after a missed quarter start, then that campaign is sent once, and resumed after a crash', async () => {
    const clock = createFakeClock('2026-12-20T04:00:00Z');
    const owners = await seedOwners(
      database().connection,
      clock,
      Array.from({ length: 6 }, (_, i) => ({ from: `cu-${i}`, building: '5', unit: `50${i}` })),
    );
    const a = instance(clock);
    // Late December: the October start is long past its 14 days, so nothing starts.
    expect(await a.run()).toMatchObject({ quarter: '', created: false, queued: 0 });

    // Down on 1 January; back on the 5th at noon.
    clock.set('2027-01-05T04:00:00Z');
    expect(await a.run()).toMatchObject({ quarter: '2027Q1', created: true, queued: 6 });
    expect(await a.run()).toMatchObject({ quarter: '2027Q1', created: false, queued: 0 });
    expect(await surveyKeys('2027Q1')).toEqual(owners.map((o) => `survey:2027Q1:${o.ownerId}`).sort());

    // A pass stopped at each point of an owner's queueing; the next pass finishes each once.
    const { Responses } = surveyModels(database().connection);
    const { entries } = outboxModels(database().connection);
    const [beforeMessage, afterMessage, legacy] = owners.map((owner) => owner.ownerId);
    // Before the message: both are written.
    await entries.deleteOne({ key: `survey:2027Q1:${beforeMessage}` });
    await Responses.deleteOne({ _id: `quarterly:2027Q1:${beforeMessage}` });
    // After the message, before the response: the response is written, nothing queued.
    await Responses.deleteOne({ _id: `quarterly:2027Q1:${afterMessage}` });
    // A response written before its message (older versions), which never came: queued.
    await entries.deleteOne({ key: `survey:2027Q1:${legacy}` });
    await Responses.updateOne({ _id: `quarterly:2027Q1:${legacy}` }, { $set: { queuedAt: null } });

    expect(await a.run()).toMatchObject({ queued: 2 });
    expect(await surveyKeys('2027Q1')).toHaveLength(6);
    expect(
      await Responses.countDocuments({ campaignId: 'quarterly:2027Q1', queuedAt: trusted({ $ne: null }) }),
    ).toBe(6);
    expect(await a.run()).toMatchObject({ queued: 0 });
  });

  it('when the start falls in quiet hours and two instances run at once, then owners are asked after the quiet hours, each once', async () => {
    const clock = createFakeClock('2027-04-01T14:00:00Z'); // 22:00 in Shanghai
    const a = instance(clock);
    const b = instance(clock);
    expect(await a.run()).toMatchObject({
      quarter: '2027Q2',
      created: true,
      queued: 0,
      stopped: '2027Q2:quiet_hours',
    });
    clock.set('2027-04-02T00:30:00Z'); // 08:30
    const [ra, rb] = await Promise.all([a.run(), b.run()]);
    expect(Number(ra.queued) + Number(rb.queued)).toBe(6);
    expect(await surveyKeys('2027Q2')).toHaveLength(6);
    expect(
      await surveyModels(database().connection).Responses.countDocuments({ campaignId: 'quarterly:2027Q2' }),
    ).toBe(6);
  });
});
