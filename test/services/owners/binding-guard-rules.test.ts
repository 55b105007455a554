import {
  addressKey,
  DEFAULT_UNIT_LIMITS,
  forgetAt,
  pauseAfter,
  pauseAt,
  unitKey,
} from '../../../services/owners/binding-guard-rules';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe('binding guard rules', () => {
  it('when failures on a unit grow, then the first are free, then waits double, then lock-outs double up to a day', () => {
    const pauses = Array.from({ length: 14 }, (_, i) => pauseAfter(i + 1, DEFAULT_UNIT_LIMITS));

    expect(pauses.slice(0, 2)).toEqual([undefined, undefined]);
    expect(pauses.slice(2, 5)).toEqual([
      { kind: 'wait', ms: MINUTE },
      { kind: 'wait', ms: 2 * MINUTE },
      { kind: 'wait', ms: 4 * MINUTE },
    ]);
    expect(pauses.slice(5).map((pause) => pause?.kind)).toEqual(Array(9).fill('locked'));
    expect(pauses.slice(5).map((pause) => (pause?.ms ?? 0) / HOUR)).toEqual([1, 2, 4, 8, 16, 24, 24, 24, 24]);
  });

  it('when a pause has run its time, then the key may be tried; its counter is kept for the window, longer while locked', () => {
    const lastFailureAt = new Date('2026-11-22T02:00:00Z');
    const waiting = { failures: 3, lastFailureAt };
    const locked = { failures: 11, lastFailureAt };

    expect(pauseAt(waiting, DEFAULT_UNIT_LIMITS, new Date(lastFailureAt.getTime() + 59_000))).toEqual({
      kind: 'wait',
      until: new Date(lastFailureAt.getTime() + MINUTE),
    });
    expect(pauseAt(waiting, DEFAULT_UNIT_LIMITS, new Date(lastFailureAt.getTime() + MINUTE))).toBeUndefined();
    expect(forgetAt(waiting, DEFAULT_UNIT_LIMITS, 24 * HOUR)).toEqual(
      new Date(lastFailureAt.getTime() + 24 * HOUR),
    );
    expect(forgetAt(locked, DEFAULT_UNIT_LIMITS, 2 * HOUR)).toEqual(
      new Date(lastFailureAt.getTime() + 24 * HOUR),
    );
  });

  it('when a unit is named with or without its entrance, then it is one key; addresses are keyed by IPv4 or IPv6 /64', () => {
    expect(unitKey('5', '1203')).toBe('unit:5/1203');
    expect(addressKey('203.0.113.9')).toBe('address:203.0.113.9');
    expect(addressKey('::ffff:203.0.113.9')).toBe('address:203.0.113.9');
    expect(addressKey('2001:db8:a:b:1:2:3:4')).toBe('address:2001:db8:a:b::/64');
    expect(addressKey('2001:0db8:000a:000b::9')).toBe('address:2001:db8:a:b::/64');
    expect(addressKey('2001:db8::1')).toBe('address:2001:db8:0:0::/64');
    expect(addressKey('fe80::1%eth0')).toBe('address:fe80:0:0:0::/64');
    expect(addressKey('::1')).toBe('address:0:0:0:0::/64');
    expect(addressKey(undefined)).toBeUndefined();
    expect(addressKey('')).toBeUndefined();
    expect(addressKey('not an address')).toBeUndefined();
  });
});
