/** The one source of "now" for services, so tests can use a fake clock instead of waiting. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock tests move by hand. */
export function createFakeClock(start: Date | string = '2026-11-22T02:00:00Z') {
  let current = new Date(start).getTime();
  return {
    now: () => new Date(current),
    advance(ms: number) {
      current += ms;
    },
    set(to: Date | string) {
      current = new Date(to).getTime();
    },
  };
}

/** The hand-moved clock of `createFakeClock`. */
export type FakeClock = ReturnType<typeof createFakeClock>;
