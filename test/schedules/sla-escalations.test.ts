import pino from 'pino';
import { startJobs } from '../../schedules/jobs';
import { runSlaEscalations, slaEscalationsJob } from '../../schedules/sla-escalations';
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
          timeZone: 'Asia/Shanghai',
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
      // Opened at 10:00 in Shanghai (02:00 UTC): acknowledge by 10:30 there.
      h.clock.advance(25 * 60_000);
      expect(await jobs.runNow('sla-escalations')).toEqual({ applied: 1 }); // the warning at 24 minutes
      h.clock.advance(6 * 60_000);
      expect(await jobs.runNow('sla-escalations')).toEqual({ applied: 1 }); // the desk at 30
      expect(await jobs.runNow('sla-escalations')).toEqual({ applied: 0 });
      const texts = (await h.queued({ staff: true }))
        .filter((entry) => entry.key.startsWith(`sla:${String(ticket!._id)}`))
        .map((entry) => entry.message.text);
      expect(texts).toEqual([
        `⏰ [${ticket!.reference}] The acknowledgement deadline is 10:30 (5 minutes left); please act.`,
        `🔺 [${ticket!.reference}] The acknowledgement deadline (10:30) has passed: escalated to the desk (level 1).`,
      ]);
    } finally {
      await jobs.stop();
    }
  });

  it('when the staff language is zh and the clock is 1 minute from the deadline, then the warning says so in Chinese on local time', async () => {
    const h = createCoreHarness(database().connection);
    const logger = pino({ level: 'silent' });
    const deps = {
      tickets: h.tickets,
      outbox: h.outbox,
      logger,
      staffAddress: STAFF_ADDRESS,
      language: 'zh' as const,
      timeZone: 'Asia/Shanghai',
    };
    await h.send('煤气泄漏了，闻到很大的燃气味！', { from: 'sla-zh' });
    const [ticket] = await h.tickets.listOpen('telegram:sla-zh');
    h.clock.advance(4 * 60_000); // an emergency: acknowledge within 5 minutes, warned at 4
    await runSlaEscalations(deps, h.clock.now());
    const [warning] = (await h.queued({ staff: true })).filter((entry) =>
      entry.key.startsWith(`sla:${String(ticket!._id)}`),
    );
    expect(warning?.message.text).toBe(
      `⏰【${ticket!.reference}】响应时限 10:05 将到（还剩 1 分钟），请尽快处理。`,
    );
  });
});
