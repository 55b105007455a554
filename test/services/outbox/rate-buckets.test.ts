import {
  ceilingAt,
  cooledDown,
  createBucket,
  readyAt,
  restamp,
  take,
  untake,
} from '../../../services/outbox/rate-buckets';
import { pickWaiter } from '../../../services/outbox/rate-granting';
import type { Waiter } from '../../../services/outbox/rate-channel';

describe('rate buckets', () => {
  it('when there is no limit, then the bucket never waits and remembers nothing', () => {
    const b = createBucket(Infinity, 1);
    expect(take(b, 1000)).toBe(-1);
    expect(readyAt(b)).toBe(0);
    expect(b.recent).toEqual([]);
  });

  it('when a send is granted a little late, then the schedule is kept so the next one catches up', () => {
    const b = createBucket(10, 1);
    take(b, 1000);
    expect(readyAt(b)).toBe(1100);
    take(b, 1130); // 30 ms late: within the catch-up
    expect(readyAt(b)).toBe(1200);
  });

  it('when traffic stopped for longer than the catch-up, then a new schedule starts at the grant', () => {
    const b = createBucket(10, 1);
    take(b, 1000);
    take(b, 5000);
    expect(readyAt(b)).toBe(5100);
  });

  it('when a window holds its sends, then the next waits until the oldest is a window plus the margin old', () => {
    const b = createBucket(2, 1);
    take(b, 0);
    take(b, 500);
    expect(ceilingAt(b)).toBe(1040);
    expect(readyAt(b)).toBe(1040);
  });

  it('when a send starts late, then the ceiling counts from its start', () => {
    const b = createBucket(2, 1);
    const first = take(b, 0);
    take(b, 500);
    restamp(b, first, 0, 300);
    expect(ceilingAt(b)).toBe(300 + 1040);
  });

  it('when a slot goes unused, then its turn is given back unless later grants moved on', () => {
    const b = createBucket(1, 1);
    const before = b.next;
    const index = take(b, 0);
    untake(b, index, 0, { before, after: b.next });
    expect(b.next).toBe(before);
    expect(ceilingAt(b)).toBe(-Infinity);
    expect(cooledDown(b, 2000)).toBe(true);
  });
});

describe('picking a waiter', () => {
  const waiter = (conversationId: string, priority: number, seq: number): Waiter => ({
    conversationId,
    priority,
    seq,
    resolve: () => undefined,
    reject: () => undefined,
  });

  it('when several are ready, then the most urgent goes first, then the first come', () => {
    const waiters = [waiter('a', 1, 0), waiter('b', 0, 2), waiter('c', 0, 1)];
    expect(pickWaiter(waiters, () => 0, 0).best?.conversationId).toBe('c');
  });

  it('when the urgent one is cooling down, then a ready one goes and the earliest ready time is known', () => {
    const waiters = [waiter('busy', 0, 0), waiter('free', 5, 1)];
    const ready = (w: Waiter) => (w.conversationId === 'busy' ? 900 : 0);
    expect(pickWaiter(waiters, ready, 100)).toEqual({ best: waiters[1], earliest: 900 });
    expect(pickWaiter([waiters[0]!], ready, 100)).toEqual({ best: undefined, earliest: 900 });
  });
});
