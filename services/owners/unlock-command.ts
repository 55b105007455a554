import type { Writable } from 'node:stream';
import type { Connection } from 'mongoose';
import { systemClock, type Clock } from '../clock';
import { DomainError } from '../errors';
import type { Logger } from '../logging/logger';
import { createOwnerService } from './owner-service';

/** sysexits EX_USAGE (neither or both targets, or no unit) and EX_NOINPUT (no such identity). */
const EXIT_USAGE = 64;
const EXIT_NO_INPUT = 66;
const USAGE = 'usage: ownerbot owners unlock (--identity KEY | --unit BUILDING-ROOM)\n';

/**
 * `ownerbot owners unlock (--identity KEY | --unit BUILDING-ROOM)`: lifts a binding lock-out
 * once staff have confirmed who the owner is, and audits it as `cli`. Exit 0 when done (also
 * when nothing was locked), 66 when no identity has the key, 64 on a usage error.
 */
export async function runOwnersUnlock(options: {
  connection: Connection;
  out: Writable;
  flags: Record<string, string | true>;
  clock?: Clock;
  logger?: Logger;
}): Promise<number> {
  const { identity, unit } = options.flags;
  if ((typeof identity === 'string') === (typeof unit === 'string')) {
    options.out.write(USAGE);
    return EXIT_USAGE;
  }
  const owners = createOwnerService({
    connection: options.connection,
    clock: options.clock ?? systemClock,
    ...(options.logger ? { logger: options.logger } : {}),
  });
  try {
    const report =
      typeof identity === 'string'
        ? await owners.liftBindingLockForIdentity(identity, 'cli')
        : await owners.liftBindingLockForUnit(unit as string, 'cli');
    if (!report.found) {
      options.out.write(`owners unlock: no channel user ${report.target}\n`);
      return EXIT_NO_INPUT;
    }
    const what = report.lifted.length > 0 ? `lifted (${report.lifted.join(', ')})` : 'nothing was locked';
    options.out.write(`${report.target}: ${what}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    options.out.write(`owners unlock: ${error.message}\n${USAGE}`);
    return EXIT_USAGE;
  }
}

/** `ownerbot owners locks`: the units and client addresses whose binding tries are paused now. */
export async function runOwnersLocks(options: {
  connection: Connection;
  out: Writable;
  clock?: Clock;
}): Promise<number> {
  const clock = options.clock ?? systemClock;
  const locks = await createOwnerService({ connection: options.connection, clock }).bindingLocks();
  if (locks.length === 0) options.out.write('No unit or address is paused.\n');
  for (const lock of locks)
    options.out.write(
      `${lock.key}  ${lock.kind === 'locked' ? 'locked' : 'waiting'} until ${lock.until.toISOString()}  (${lock.failures} failures)\n`,
    );
  return 0;
}
