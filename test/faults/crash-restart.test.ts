import { testDatabaseUri, uniqueDatabaseName } from '../support/database';
import { crashRun, type CrashTallies } from './crash-run';

/**
 * The app process is killed (SIGKILL) at random points of a scripted run of mixed messages
 * and restarted; `npm run bench` runs the same script at 1,000 messages and prints the tallies.
 * A reply whose sender was killed during its send is dead-lettered as outcome unknown (the
 * platform may or may not have it), so no effect is lost or duplicated.
 */
describe('killed at random points and restarted', () => {
  let tallies: CrashTallies;

  beforeAll(async () => {
    const uri = new URL(testDatabaseUri());
    uri.pathname = `/${uniqueDatabaseName('crash-run')}`;
    tallies = await crashRun({ mongodbUri: uri.toString(), messages: 40, kills: 3, timeoutMs: 25_000 });
    process.stderr.write(`crash run: ${JSON.stringify(tallies)}\n`);
  }, 180_000);

  it('when the process dies mid-run, then every message is stored once and kept, and every reply is sent or dead-lettered with a reason, none lost', () => {
    expect(tallies).toMatchObject({
      kills: 3,
      stored: 40,
      failed: 0,
      stuck: 0,
      deadWithoutReason: 0,
      lost: 0,
    });
    expect(tallies.cases + tallies.answersOnly + tallies.unanswered).toBe(40);
    // Every message handled to one case or answer (its lease ends with its holder: no orphan).
    expect(tallies).toMatchObject({ handled: 40, unanswered: 0 });
    expect(tallies.problems.filter((problem) => problem.startsWith('message '))).toEqual([]);
    expect(tallies.outboxDead).toBeGreaterThanOrEqual(2); // the two chats that blocked the bot
    expect(tallies.outcomeUnknown).toBeLessThanOrEqual(tallies.outboxDead);
  });

  it('when the process dies mid-run, then no reply reaches the platform twice', () => {
    expect(tallies.problems).toEqual([]);
    expect(tallies.duplicated).toBe(0);
    expect(tallies.outcomeUnknownDelivered).toBeLessThanOrEqual(tallies.outcomeUnknown);
  });
});
