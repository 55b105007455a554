import type { Writable } from 'node:stream';
import type { Connection } from 'mongoose';
import { systemClock, type Clock } from '../clock';
import { OUTCOME_UNKNOWN_REASON } from './settling';
import { createOutbox } from './outbox';
import { OUTBOX_PURPOSES, type OutboxEntry, type OutboxPurpose } from './outbox-model';

/** sysexits EX_USAGE. */
const EXIT_USAGE = 64;

interface CommandDeps {
  connection: Connection;
  out: Writable;
  clock?: Clock;
}

/** Dead letters a requeue or a listing may be narrowed to. */
interface DeadLetterFilter {
  /** Only those whose sending process stopped during the send. */
  outcomeUnknown: boolean;
  purpose?: OutboxPurpose;
}

const isOutcomeUnknown = (entry: OutboxEntry) => entry.deadReason === OUTCOME_UNKNOWN_REASON;

/** Every dead letter is kept for 30 days by default; this many is more than a desk can read. */
const MOST_DEAD_LETTERS = 10_000;

function parseFilter(deps: CommandDeps, flags: Record<string, string | true>): DeadLetterFilter | undefined {
  const purpose = flags.purpose;
  if (purpose !== undefined && !OUTBOX_PURPOSES.includes(purpose as OutboxPurpose)) {
    deps.out.write(`--purpose must be one of ${OUTBOX_PURPOSES.join(', ')}\n`);
    return undefined;
  }
  return {
    outcomeUnknown: flags['outcome-unknown'] === true,
    ...(typeof purpose === 'string' ? { purpose: purpose as OutboxPurpose } : {}),
  };
}

async function deadLetters(deps: CommandDeps, filter: DeadLetterFilter, limit: number) {
  const outbox = createOutbox({ connection: deps.connection, clock: deps.clock ?? systemClock });
  const all = await outbox.deadLetters({ limit: MOST_DEAD_LETTERS });
  const chosen = all.filter(
    (entry) =>
      (!filter.outcomeUnknown || isOutcomeUnknown(entry)) &&
      (filter.purpose === undefined || entry.purpose === filter.purpose),
  );
  return { outbox, entries: chosen.slice(0, limit) };
}

/**
 * `ownerbot outbox dead [--outcome-unknown] [--purpose P] [--limit N]`: dead letters, newest
 * first, with why they died. Keys hold ids, never personal data, so they are safe to print.
 */
export async function runOutboxDead(
  deps: CommandDeps & { flags: Record<string, string | true> },
): Promise<number> {
  const filter = parseFilter(deps, deps.flags);
  const limit = deps.flags.limit === undefined ? 50 : Number(deps.flags.limit);
  if (!filter || !(Number.isInteger(limit) && limit > 0)) {
    if (filter) deps.out.write('--limit must be a whole number above 0\n');
    return EXIT_USAGE;
  }
  const { entries } = await deadLetters(deps, filter, limit);
  if (entries.length === 0) {
    deps.out.write('No dead letters.\n');
    return 0;
  }
  for (const entry of entries)
    deps.out.write(
      `${entry.deadAt?.toISOString() ?? '-'}  ${entry.purpose.padEnd(12)} ${entry.address.channel.padEnd(8)} ${entry.key}\n` +
        `    ${entry.deadReason ?? ''}\n`,
    );
  deps.out.write(`${entries.length} dead letter${entries.length === 1 ? '' : 's'}\n`);
  return 0;
}

/**
 * `ownerbot outbox requeue (KEY... | --outcome-unknown [--purpose P])`: gives dead letters a
 * fresh set of attempts, once the cause is dealt with. An outcome-unknown one may have
 * reached the owner already: requeued, it may arrive twice, which the output says.
 */
export async function runOutboxRequeue(
  deps: CommandDeps & { keys: string[]; flags: Record<string, string | true> },
): Promise<number> {
  const filter = parseFilter(deps, deps.flags);
  if (!filter) return EXIT_USAGE;
  if (deps.keys.length > 0 === filter.outcomeUnknown || (deps.keys.length > 0 && filter.purpose)) {
    deps.out.write('usage: ownerbot outbox requeue (KEY... | --outcome-unknown [--purpose P])\n');
    return EXIT_USAGE;
  }
  const { outbox, entries } = await deadLetters(deps, filter, MOST_DEAD_LETTERS);
  const keys = filter.outcomeUnknown ? entries.map((entry) => entry.key) : deps.keys;
  const mayRepeat = new Set(entries.filter(isOutcomeUnknown).map((entry) => entry.key));
  let requeued = 0;
  for (const key of keys) {
    if (await outbox.requeue(key)) {
      requeued++;
      deps.out.write(
        `requeued ${key}${mayRepeat.has(key) ? ' (it may have arrived: the owner may get it twice)' : ''}\n`,
      );
    } else deps.out.write(`not a dead letter: ${key}\n`);
  }
  deps.out.write(`${requeued} of ${keys.length} requeued; the dispatcher sends them at once\n`);
  return requeued === keys.length ? 0 : 1;
}
