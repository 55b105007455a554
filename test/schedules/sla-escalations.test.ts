import pino from 'pino';
import { startJobs } from '../../schedules/jobs';
import { slaEscalationsJob } from '../../schedules/sla-escalations';
import { createCoreHarness, STAFF_ADDRESS } from '../support/core-harness';
import { useTestDatabase } from '../support/database';

const database = useTestDatabase();

describe('SLA watch job', () => {
  it('when a complaint waits past its deadlines, then staff are warned and escalated once per step', async () => {
    const h = createCoreHarness(database().connection);
    const logger = pino({ level: 'silent' });
    const jobs = startJobs({
      jobs: [
        slaEscalationsJob({
          tickets: h.tickets,
          outbox: h.outbox,
          logger,
          staffAddress: STAFF_ADDRESS,
          language: 'en',
        }),
      ],
      connection: database().connection,
      clock: h.clock,
      logger,
      timezone: 'Asia/Shanghai',
      schedule: false,
    });
    try {
      await h.send('Your receptionist was extremely rude to me today, unacceptable', { from: 'sla-owner' });
      const [ticket] = await h.tickets.listOpen('telegram:sla-owner');
      h.clock.advance(31 * 60_000);
      expect(await jobs.runNow('sla-escalations')).toEqual({ applied: 2 }); // the warning at 24 minutes and the desk at 30
      expect(await jobs.runNow('sla-escalations')).toEqual({ applied: 0 });
      const texts = (await h.queued({ staff: true }))
        .filter((entry) => entry.key.startsWith(`sla:${String(ticket!._id)}`))
        .map((entry) => entry.message.text);
      expect(texts).toEqual([
        expect.stringContaining(`[${ticket!.reference}] The acknowledgement deadline is close`),
        expect.stringContaining('escalated to the desk (level 1)'),
      ]);
    } finally {
      await jobs.stop();
    }
  });
});
