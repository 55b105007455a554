const MINUTE = 60_000;
/**
 * Senders silent this long before the latest arrival are forgotten: a margin past the
 * minute, as a backlog is handled roughly, not exactly, in arrival order.
 */
const FORGET_AFTER_MS = 5 * MINUTE;
/** Arrivals between two sweeps of forgotten senders. */
const SWEEP_EVERY = 1000;

/** Arrival times within the last minute, per sender and per channel, for one instance. */
export interface ArrivalCounts {
  senders: Map<string, number[]>;
  channels: Map<string, number[]>;
  arrivals: number;
  /** The latest arrival time counted. */
  latest: number;
}

/** Empty counts. */
export function newArrivalCounts(): ArrivalCounts {
  return { senders: new Map(), channels: new Map(), arrivals: 0, latest: 0 };
}

/** Keeps the times within the minute before `at`, adds `at`, returns how many there are. */
function countIn(map: Map<string, number[]>, key: string, at: number): number {
  const times = (map.get(key) ?? []).filter((t) => t > at - MINUTE);
  times.push(at);
  map.set(key, times);
  return times.length;
}

function sweep(counts: ArrivalCounts): void {
  for (const [key, times] of counts.senders)
    if ((times.at(-1) ?? 0) <= counts.latest - FORGET_AFTER_MS) counts.senders.delete(key);
}

/**
 * Counts one arrival at `at` (ms) and returns the arrivals in the minute up to it on its
 * channel and from its sender, this one included. Quiet senders are forgotten now and then.
 */
export function countArrival(
  counts: ArrivalCounts,
  channel: string,
  senderKey: string,
  at: number,
): { onChannel: number; bySender: number } {
  counts.latest = Math.max(counts.latest, at);
  if (++counts.arrivals % SWEEP_EVERY === 0) sweep(counts);
  return {
    onChannel: countIn(counts.channels, channel, at),
    bySender: countIn(counts.senders, senderKey, at),
  };
}
