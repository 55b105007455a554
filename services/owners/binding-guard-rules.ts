import net from 'node:net';

/**
 * How failed binding answers on one key (a unit, or a client address) slow further tries:
 * the first `freeFailures` cost nothing more; after each further one the next try waits
 * `firstDelayMs`, doubling; the failure that reaches `lockAfter` locks the key for `lockMs`,
 * and every failure after that locks it again for twice as long, up to `maxLockMs`.
 */
export interface GuardLimits {
  freeFailures: number;
  firstDelayMs: number;
  lockAfter: number;
  lockMs: number;
  maxLockMs: number;
}

/** What a key's counter says: how many failures, the last one when. */
export interface CounterState {
  failures: number;
  lastFailureAt: Date;
}

/** A key that may not be tried now: a short wait, or a lock-out that staff can lift. */
export interface Pause {
  kind: 'wait' | 'locked';
  until: Date;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Units are tried from anywhere; addresses may be shared (an office, a mobile carrier), so they get more. */
export const DEFAULT_UNIT_LIMITS: GuardLimits = {
  freeFailures: 3,
  firstDelayMs: MINUTE,
  lockAfter: 6,
  lockMs: HOUR,
  maxLockMs: 24 * HOUR,
};
export const DEFAULT_ADDRESS_LIMITS: GuardLimits = {
  freeFailures: 5,
  firstDelayMs: MINUTE,
  lockAfter: 10,
  lockMs: HOUR,
  maxLockMs: 24 * HOUR,
};
/** A counter is forgotten this long after its last failure (and once its pause is over). */
export const DEFAULT_COUNTER_WINDOW_MS = 24 * HOUR;

const doubled = (base: number, times: number, max: number) => Math.min(max, base * 2 ** Math.min(times, 30));

/** The pause that follows a key's `failures`-th failure; undefined while failures are free. */
export function pauseAfter(
  failures: number,
  limits: GuardLimits,
): { kind: Pause['kind']; ms: number } | undefined {
  if (failures >= limits.lockAfter)
    return { kind: 'locked', ms: doubled(limits.lockMs, failures - limits.lockAfter, limits.maxLockMs) };
  if (failures < limits.freeFailures) return undefined;
  return { kind: 'wait', ms: doubled(limits.firstDelayMs, failures - limits.freeFailures, limits.lockMs) };
}

/** The pause running at `now` on a key with this counter; undefined when it may be tried. */
export function pauseAt(state: CounterState, limits: GuardLimits, now: Date): Pause | undefined {
  const pause = pauseAfter(state.failures, limits);
  if (!pause) return undefined;
  const until = new Date(state.lastFailureAt.getTime() + pause.ms);
  return until > now ? { kind: pause.kind, until } : undefined;
}

/** When a counter may be forgotten: `windowMs` after its last failure, never before its pause ends. */
export function forgetAt(state: CounterState, limits: GuardLimits, windowMs: number): Date {
  const pauseMs = pauseAfter(state.failures, limits)?.ms ?? 0;
  return new Date(state.lastFailureAt.getTime() + Math.max(windowMs, pauseMs));
}

/** The longer of two pauses (a lock-out outranks a wait that ends later). */
export function longerPause<T extends Pause>(a: T | undefined, b: T | undefined): T | undefined {
  if (!a || !b) return a ?? b;
  if (a.kind !== b.kind) return a.kind === 'locked' ? a : b;
  return a.until >= b.until ? a : b;
}

/** The counter key of a unit: building and room, so leaving the entrance out is the same unit. */
export function unitKey(building: string, room: string): string {
  return `unit:${building}/${room}`;
}

/**
 * The counter key of a client address; undefined when there is none (the platform
 * authenticates the sender). An IPv6 client is counted by its /64, which one subscriber
 * usually holds whole, so rotating through it gains nothing.
 */
export function addressKey(address: string | undefined): string | undefined {
  const plain = (address ?? '').trim().replace(/%.*$/, '');
  const v4 = plain.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
  if (net.isIPv4(v4)) return `address:${v4}`;
  if (!net.isIPv6(plain)) return undefined;
  return `address:${ipv6Groups(plain).slice(0, 4).join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address, without leading zeros. */
function ipv6Groups(address: string): string[] {
  const [head = '', tail] = address.toLowerCase().split('::');
  const part = (text: string) => (text ? text.split(':') : []);
  const left = part(head);
  const right = part(tail ?? '');
  // A dotted IPv4 ending (::1.2.3.4) stands for the last two groups.
  const last = right.at(-1) ?? left.at(-1) ?? '';
  if (last.includes('.')) {
    const [a = 0, b = 0, c = 0, d = 0] = last.split('.').map(Number);
    const groups = [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
    if (right.length > 0) right.splice(-1, 1, ...groups);
    else left.splice(-1, 1, ...groups);
  }
  const zeros = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((group) => group.replace(/^0+(?=.)/, ''));
}
