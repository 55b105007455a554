import pino from 'pino';
import { createFakeClock, systemClock } from '../../../services/clock';
import { createRateLimiter } from '../../../services/outbox/rate-limiter';
import { createRateSlices } from '../../../services/outbox/rate-slices';
import { useTestDatabase } from '../../support/database';

const database = useTestDatabase();
const logger = pino({ level: 'silent' });

/** Two ledgers of two instances on one database; resolves each claim round. */
function ledgers() {
  const rounds: Array<() => void> = [];
  const make = (instanceId: string) =>
    createRateSlices({
      connection: database().connection,
      instanceId,
      clock: systemClock,
      logger,
      onClaimed: () => rounds.shift()?.(),
    });
  const claim = (slices: ReturnType<typeof make>, first: number, count: number) =>
    new Promise<void>((resolve) => {
      rounds.push(resolve);
      slices.claimAhead('telegram', first, count);
    });
  return { a: make('a'), b: make('b'), claim };
}

/** The most grants in any window of `windowMs`. */
function busiestWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((x, y) => x - y);
  let most = 0;
  for (let i = 0, j = 0; j < sorted.length; j++) {
    while ((sorted[j] as number) - (sorted[i] as number) >= windowMs) i++;
    most = Math.max(most, j - i + 1);
  }
  return most;
}

describe('rate slices', () => {
  it('when two instances claim the same slices, then each slice has one owner and the loser takes the next ones', async () => {
    const { a, b, claim } = ledgers();
    await claim(a, 100, 3);
    await claim(b, 100, 3); // tries 100-102 and loses them all
    await claim(b, 100, 3); // so the next round goes on from 103

    expect([100, 101, 102].map((s) => a.owns('telegram', s))).toEqual([true, true, true]);
    expect([100, 101, 102].map((s) => b.owns('telegram', s))).toEqual([false, false, false]);
    expect([103, 104, 105].map((s) => b.owns('telegram', s))).toEqual([true, true, true]);
    expect(b.share('telegram', 100)).toBe(0.5);
    expect(a.share('telegram', 100)).toBe(1);
    // Other channels are claimed apart.
    expect(a.owns('slack', 100)).toBe(false);
  });

  it('when the other instance stops claiming, then the rest of the slices are won and the share returns to all', async () => {
    const { a, b, claim } = ledgers();
    await claim(a, 200, 2);
    await claim(b, 200, 2);
    await claim(b, 200, 2);
    expect(b.share('telegram', 200)).toBe(0.5);
    // a is gone: b claims on and wins everything from 204 on.
    await claim(b, 204, 3);
    expect(b.share('telegram', 204)).toBe(1);
  });

  it('when old slice records pile up, then forgetting deletes only those older than a minute', async () => {
    const { a } = ledgers();
    const Slices = database().connection.collection('outbox_rate_slices');
    await Slices.insertOne({
      _id: 'telegram:1' as never,
      owner: 'x',
      createdAt: new Date(Date.now() - 120_000),
    });
    await Slices.insertOne({ _id: 'telegram:2' as never, owner: 'x', createdAt: new Date() });
    await a.forgetOld();
    const left = (await Slices.find({}, { projection: { _id: 1 } }).toArray()).map((d) => String(d._id));
    expect(left).not.toContain('telegram:1');
    expect(left).toContain('telegram:2');
  });
});

describe('rate limiter shared by two instances', () => {
  it('when both instances have sends waiting, then both send and together they never exceed the limit in any second', async () => {
    const limits = { telegram: { perSecond: 10, perConversationPerSecond: Infinity } };
    const limiter = (instanceId: string) =>
      createRateLimiter({
        clock: systemClock,
        limits,
        shareWith: { connection: database().connection, instanceId, logger },
      });
    const instances = { a: limiter('a'), b: limiter('b') };
    const granted: Array<{ instance: string; at: number }> = [];
    const deadline = Date.now() + 2500;
    await Promise.all(
      Object.entries(instances).map(async ([instance, rate]) => {
        for (let i = 0; Date.now() < deadline; i++) {
          // As a sender does: the request goes when the slot is due, if it still may.
          const slot = await rate.acquire('telegram', `chat-${instance}-${i}`);
          if (await slot.due()) granted.push({ instance, at: Date.now() });
        }
      }),
    );

    expect(
      busiestWindow(
        granted.map((g) => g.at),
        1000,
      ),
    ).toBeLessThanOrEqual(10);
    expect(granted.some((g) => g.instance === 'a')).toBe(true);
    expect(granted.some((g) => g.instance === 'b')).toBe(true);
  });

  it('when a shared slot is granted, then it comes shortly before its point and is due on it, and a sender held up past the point loses it', async () => {
    // 10/s shared: a point every 104 ms on the wall clock. The clock starts 80 ms before a point.
    const intervalMs = (1000 + 40) / 10;
    const point = Math.ceil(new Date('2030-01-01T00:00:00Z').getTime() / intervalMs);
    const clock = createFakeClock(new Date(point * intervalMs - 80));
    const limiter = createRateLimiter({
      clock,
      limits: { telegram: { perSecond: 10, perConversationPerSecond: Infinity } },
      shareWith: { connection: database().connection, instanceId: 'lead', logger },
    });

    const first = await limiter.acquire('telegram', 'chat-1'); // granted 80 ms ahead of its point
    let due: boolean | undefined;
    const waiting = first.due().then((onTime) => (due = onTime));
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(due).toBeUndefined(); // the point has not come
    clock.advance(80);
    await waiting;
    expect(due).toBe(true);

    clock.advance(50); // the next point is 54 ms away: within the lead
    const second = await limiter.acquire('telegram', 'chat-2');
    clock.advance(54 + 16); // the sender was held up 16 ms past that point
    expect(await second.due()).toBe(false);

    // A retry-after that comes between a grant and its point holds that send too.
    clock.advance(104 - 16 - 80); // 80 ms before the next point
    const third = await limiter.acquire('telegram', 'chat-3');
    limiter.pause('telegram', new Date(clock.now().getTime() + 1000));
    clock.advance(80);
    expect(await third.due()).toBe(false);
  });
});
