import { createFakeClock } from '../../../services/clock';
import { createRateLimiter, LimiterCancelledError } from '../../../services/outbox/rate-limiter';

/** Lets the limiter's timers (at most 100 ms apart) notice a moved fake clock. */
const tick = () => new Promise((resolve) => setTimeout(resolve, 120));

function recorder(clock: { now(): Date }) {
  const granted: Array<{ label: string; at: number }> = [];
  const start = clock.now().getTime();
  return {
    granted,
    track: (label: string, acquiring: Promise<unknown>) =>
      acquiring.then(() => granted.push({ label, at: clock.now().getTime() - start })),
  };
}

describe('rate limiter', () => {
  it('when sends queue on one channel, then they are spaced by the channel rate, never faster', async () => {
    const clock = createFakeClock();
    const limiter = createRateLimiter({
      clock,
      limits: { telegram: { perSecond: 10, perConversationPerSecond: Infinity } },
    });
    const { granted, track } = recorder(clock);
    for (let i = 0; i < 4; i++) void track(`m${i}`, limiter.acquire('telegram', `chat-${i}`));
    await tick();
    expect(granted.map((g) => g.at)).toEqual([0]);

    for (let step = 0; step < 3; step++) {
      clock.advance(100);
      await tick();
    }

    expect(granted.map((g) => g.at)).toEqual([0, 100, 200, 300]);
  });

  it('when the timer fires late, then the lost time is made up, never over the rate in any second', async () => {
    const clock = createFakeClock();
    const limiter = createRateLimiter({
      clock,
      limits: { telegram: { perSecond: 50, perConversationPerSecond: Infinity } },
    });
    const { granted, track } = recorder(clock);
    const t0 = clock.now().getTime();
    for (let i = 0; i < 100; i++) void track(`m${i}`, limiter.acquire('telegram', `chat-${i}`));
    await tick();
    // A busy event loop: the limiter looks at the clock in uneven steps, each later than the
    // 20 ms spacing (its real timer has fired by the time each step is over).
    const steps = [27, 23, 31, 22, 45, 21, 26, 24, 38, 23];
    for (let step = 0; clock.now().getTime() - t0 < 1500; step++) {
      clock.advance(steps[step % steps.length]!);
      await new Promise((resolve) => setTimeout(resolve, 30));
    }

    const times = granted.map((g) => g.at).filter((at) => at <= 1500);
    // Plain spacing would lose every late millisecond: 1.5 s at 28 ms a step is 54 sends.
    expect(times.length).toBeGreaterThanOrEqual(70);
    for (let i = 50; i < times.length; i++) expect(times[i]! - times[i - 50]!).toBeGreaterThanOrEqual(1000);
  });

  it('when a granted send starts late, then the ceiling counts from its start', async () => {
    const clock = createFakeClock();
    const limiter = createRateLimiter({
      clock,
      limits: { slack: { perSecond: Infinity, perConversationPerSecond: 1 } },
    });
    const slot = await limiter.acquire('slack', 'C1');
    clock.advance(300); // the process was held up between the grant and the request
    slot.started();

    expect(limiter.estimateWaitMs('slack', 'C1')).toBe(1040);
  });

  it('when a slot goes unused because the sender was held up, then its chat is not kept waiting for it', async () => {
    const clock = createFakeClock();
    const limiter = createRateLimiter({
      clock,
      limits: { slack: { perSecond: Infinity, perConversationPerSecond: 1 } },
    });
    const lost = await limiter.acquire('slack', 'C1');
    clock.advance(300); // past the slot's catch-up: it may not be used
    expect(await lost.due()).toBe(false);

    const retry = await limiter.acquire('slack', 'C1');
    expect(await retry.due()).toBe(true);
    retry.started();

    // The retry is what the chat got: the next one waits the full second after it.
    expect(limiter.estimateWaitMs('slack', 'C1')).toBe(1040);
  });

  it('when one conversation is cooling down, then other conversations are served meanwhile', async () => {
    const clock = createFakeClock();
    const limiter = createRateLimiter({ clock, limits: { telegram: { perSecond: Infinity } } });
    const { granted, track } = recorder(clock);
    void track('a1', limiter.acquire('telegram', 'a'));
    void track('a2', limiter.acquire('telegram', 'a'));
    void track('b1', limiter.acquire('telegram', 'b'));
    await tick();

    expect(granted.map((g) => g.label)).toEqual(['a1', 'b1']);
    // One a second, and a margin of 40 ms for requests that reach the platform a little late.
    clock.advance(1039);
    await tick();
    expect(granted).toHaveLength(2);
    clock.advance(1);
    await tick();
    expect(granted.at(-1)).toEqual({ label: 'a2', at: 1040 });
  });

  it('when a Telegram group is addressed, then it gets 20 messages a minute, not one a second', async () => {
    const clock = createFakeClock();
    const limiter = createRateLimiter({ clock });

    await limiter.acquire('telegram', '-100123');

    expect(limiter.estimateWaitMs('telegram', '-100123')).toBe(3040);
    expect(limiter.estimateWaitMs('telegram', '42')).toBeLessThan(100);
  });

  it('when a channel is paused, then nothing is granted on it before the pause ends, other channels go on', async () => {
    const clock = createFakeClock();
    const limiter = createRateLimiter({ clock });
    const { granted, track } = recorder(clock);
    limiter.pause('slack', new Date(clock.now().getTime() + 30_000));
    void track('slack', limiter.acquire('slack', 'C1'));
    void track('web', limiter.acquire('web', 'session-1'));
    await tick();
    clock.advance(29_999);
    await tick();
    expect(granted.map((g) => g.label)).toEqual(['web']);

    clock.advance(1);
    await tick();

    expect(granted.at(-1)).toEqual({ label: 'slack', at: 30_000 });
  });

  it('when urgent and bulk sends wait together, then the urgent ones go first', async () => {
    const clock = createFakeClock();
    const limiter = createRateLimiter({
      clock,
      limits: { wechat: { perSecond: 1, perConversationPerSecond: Infinity } },
    });
    const { granted, track } = recorder(clock);
    void track('first', limiter.acquire('wechat', 'x', 2));
    void track('survey', limiter.acquire('wechat', 'y', 2));
    void track('reply', limiter.acquire('wechat', 'z', 0));
    await tick();
    clock.advance(1040);
    await tick();
    clock.advance(1040);
    await tick();

    expect(granted.map((g) => g.label)).toEqual(['first', 'reply', 'survey']);
  });

  it('when the limiter is cancelled, then waiting sends are rejected and later ones still work', async () => {
    const clock = createFakeClock();
    const limiter = createRateLimiter({ clock });
    await limiter.acquire('telegram', 'c');
    const waiting = limiter.acquire('telegram', 'c');

    limiter.cancelAll();

    await expect(waiting).rejects.toBeInstanceOf(LimiterCancelledError);
    expect(limiter.waiting('telegram')).toBe(0);
    clock.advance(1000);
    await expect(limiter.acquire('telegram', 'other')).resolves.toHaveProperty('started');
  });
});
