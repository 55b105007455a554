import pino from 'pino';
import { lastFireAtOrBefore } from '../../schedules/cron-time';
import { jobRunModel, startJobs, type Job } from '../../schedules/jobs';
import { createFakeClock } from '../../services/clock';
import { ConfigError } from '../../services/errors';
import { useTestDatabase } from '../support/database';

const database = useTestDatabase();
const logger = pino({ level: 'silent' });

describe('job framework', () => {
  it('when a cron expression is malformed, then start-up fails naming every bad job', () => {
    const run = async () => undefined;
    expect(() =>
      startJobs({
        jobs: [
          { name: 'a', cron: '61 * * * *', run },
          { name: 'b', cron: 'every day', run },
          { name: 'c', cron: '0 8 * * *', run },
        ],
        connection: database().connection,
        clock: createFakeClock(),
        logger,
        timezone: 'Asia/Shanghai',
        schedule: false,
      }),
    ).toThrow(ConfigError);
    try {
      startJobs({
        jobs: [
          { name: 'a', cron: '61 * * * *', run },
          { name: 'b', cron: 'every day', run },
        ],
        connection: database().connection,
        clock: createFakeClock(),
        logger,
        timezone: 'UTC',
        schedule: false,
      });
    } catch (error) {
      expect((error as ConfigError).problems).toHaveLength(2);
      expect((error as ConfigError).problems[0]).toContain('a must be a cron expression');
    }
  });

  it('when two instances fire the same slot and a run is still going, then it runs once and the overlap is skipped', async () => {
    const clock = createFakeClock('2026-11-22T02:00:00Z');
    let calls = 0;
    let release: () => void = () => undefined;
    const job: Job = {
      name: 'slow',
      cron: '* * * * *',
      run: async () => {
        calls++;
        await new Promise<void>((resolve) => (release = resolve));
        return { done: true };
      },
    };
    const make = (instanceId: string) =>
      startJobs({
        jobs: [job],
        connection: database().connection,
        clock,
        logger,
        timezone: 'Asia/Shanghai',
        instanceId,
        schedule: false,
      });
    const a = make('a');
    const b = make('b');
    const first = a.runNow('slow', '2026-11-22T02:00:00.000Z');
    while (calls === 0) await new Promise((resolve) => setTimeout(resolve, 10)); // a has claimed the slot and runs
    const overlap = await a.runNow('slow', '2026-11-22T02:01:00.000Z'); // previous run still going here
    const other = await b.runNow('slow', '2026-11-22T02:00:00.000Z'); // the slot belongs to instance a
    expect(overlap).toBeUndefined();
    expect(other).toBeUndefined();
    release();
    expect(await first).toEqual({ done: true });
    expect(calls).toBe(1);
    const runs = await jobRunModel(database().connection).find({ job: 'slow' }).lean();
    expect(runs.map((r) => [r._id, r.instance, r.status])).toEqual([
      ['slow:2026-11-22T02:00:00.000Z', 'a', 'ok'],
    ]);

    const failing = startJobs({
      jobs: [{ name: 'broken', cron: '* * * * *', run: async () => Promise.reject(new Error('boom')) }],
      connection: database().connection,
      clock,
      logger,
      timezone: 'UTC',
      schedule: false,
    });
    expect(await failing.runNow('broken', 'x')).toEqual({ failed: true });
    expect((await jobRunModel(database().connection).findById('broken:x').lean())?.status).toBe('failed');
    await Promise.all([a.stop(), b.stop(), failing.stop()]);
  });

  it('when asked for the last firing, then quarterly and daily crons give the local times they fired at', () => {
    const quarterly = '0 10 1 1,4,7,10 *';
    // 2027-01-05 12:00 Shanghai: the last start was 1 January 10:00 Shanghai = 02:00Z.
    expect(
      lastFireAtOrBefore(quarterly, new Date('2027-01-05T04:00:00Z'), 'Asia/Shanghai')?.toISOString(),
    ).toBe('2027-01-01T02:00:00.000Z');
    // Just before 10:00 on 1 October: still the July start.
    expect(
      lastFireAtOrBefore(quarterly, new Date('2026-10-01T01:59:00Z'), 'Asia/Shanghai', 120)?.toISOString(),
    ).toBe('2026-07-01T02:00:00.000Z');
    expect(
      lastFireAtOrBefore('0 8 * * *', new Date('2026-11-22T02:00:00Z'), 'Asia/Shanghai')?.toISOString(),
    ).toBe('2026-11-22T00:00:00.000Z');
    expect(
      lastFireAtOrBefore('0 8 * * 1-5', new Date('2026-11-22T02:00:00Z'), 'Asia/Shanghai')?.toISOString(),
    ).toBe('2026-11-20T00:00:00.000Z');
  });
});
