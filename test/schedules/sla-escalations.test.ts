import pino from 'pino';
import { startSlaSchedule } from '../../schedules/sla-escalations';
import { createCoreHarness, STAFF_ADDRESS } from '../support/core-harness';
import { useTestDatabase } from '../support/database';

const database = useTestDatabase();

describe('SLA schedule', () => {
  it('when a complaint waits past its deadlines, then staff are warned and escalated once per step', async () => {
    const h = createCoreHarness(database().connection);
    const schedule = startSlaSchedule({
      tickets: h.tickets,
      outbox: h.outbox,
      clock: h.clock,
      logger: pino({ level: 'silent' }),
      timezone: 'Asia/Shanghai',
      staffAddress: STAFF_ADDRESS,
      language: 'en',
    });
    try {
      await h.send('Your receptionist was extremely rude to me today, unacceptable', { from: 'sla-owner' });
      const [ticket] = await h.tickets.listOpen('telegram:sla-owner');
      h.clock.advance(31 * 60_000);
      expect(await schedule.runOnce()).toBe(2); // the warning at 24 minutes and the desk at 30
      expect(await schedule.runOnce()).toBe(0);
      const texts = (await h.queued({ staff: true }))
        .filter((entry) => entry.key.startsWith(`sla:${String(ticket!._id)}`))
        .map((entry) => entry.message.text);
      expect(texts).toEqual([
        expect.stringContaining(`[${ticket!.reference}] The acknowledgement deadline is close`),
        expect.stringContaining('escalated to the desk (level 1)'),
      ]);
    } finally {
      await schedule.stop();
    }
  });
});
