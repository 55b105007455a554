import type { Writable } from 'node:stream';
import type { Connection } from 'mongoose';
import { systemClock, type Clock } from '../clock';
import { DomainError } from '../errors';
import { createAuditLog } from './audit-log';
import { describeForgetReport, forgetOwner } from './forget';

/** sysexits EX_USAGE (the id is malformed) and EX_NOINPUT (nobody by that id). */
const EXIT_USAGE = 64;
const EXIT_NO_INPUT = 66;

/**
 * `ownerbot owners forget ID`: erases the owner's personal data and words (see `forgetOwner`),
 * writes what it did to `out` and an entry to the audit log. Exit 0 when done or already
 * done, 66 when no owner or channel user has that id, 64 when the id is malformed.
 */
export async function runOwnersForget(options: {
  target: string;
  connection: Connection;
  out: Writable;
  clock?: Clock;
}): Promise<number> {
  const clock = options.clock ?? systemClock;
  try {
    const report = await forgetOwner({
      connection: options.connection,
      clock,
      target: options.target,
      audit: createAuditLog({ connection: options.connection, clock }),
      actor: 'cli',
    });
    options.out.write(describeForgetReport(report));
    return report.found === 'none' ? EXIT_NO_INPUT : 0;
  } catch (error) {
    if (error instanceof DomainError) {
      options.out.write(`owners forget: ${error.message}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
}
