import { createSignInThrottle } from '../../../bots/http/sign-in-throttle';
import { createFakeClock } from '../../../services/clock';

describe('sign-in throttle', () => {
  it('when an address fails ten times, then it waits 90 s for one more try, and a failure after that waits anew', () => {
    const clock = createFakeClock();
    const throttle = createSignInThrottle(clock);
    for (let i = 0; i < 10; i++) {
      expect(throttle.lockedFor('10.0.0.7')).toBe(0);
      throttle.failed('10.0.0.7');
    }
    expect(throttle.lockedFor('10.0.0.7')).toBe(90);
    expect(throttle.lockedFor('10.0.0.8')).toBe(0);
    clock.advance(45_000);
    expect(throttle.lockedFor('10.0.0.7')).toBe(45);
    clock.advance(45_000);
    expect(throttle.lockedFor('10.0.0.7')).toBe(0);
    throttle.failed('10.0.0.7');
    expect(throttle.lockedFor('10.0.0.7')).toBe(90);
  });

  it('when an address stops failing for 15 minutes, then its whole allowance is back', () => {
    const clock = createFakeClock();
    const throttle = createSignInThrottle(clock);
    for (let i = 0; i < 10; i++) throttle.failed('10.0.0.7');
    clock.advance(15 * 60_000);
    for (let i = 0; i < 10; i++) {
      expect(throttle.lockedFor('10.0.0.7')).toBe(0);
      throttle.failed('10.0.0.7');
    }
    expect(throttle.lockedFor('10.0.0.7')).toBeGreaterThan(0);
  });
});
