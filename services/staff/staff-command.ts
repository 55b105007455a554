import type { Writable } from 'node:stream';
import type { Connection } from 'mongoose';
import type { Clock } from '../clock';
import { DomainError } from '../errors';
import { createStaffAccounts, STAFF_ROLES, type StaffRole } from './staff-accounts';

const EXIT_USAGE = 64;

/**
 * `ownerbot staff add NAME [--role staff|supervisor|manager]`, `staff password NAME`,
 * `staff remove NAME`, `staff list`: named desk accounts. A new password is printed once (the
 * database keeps only its hash); `--password-stdin` reads a chosen one instead.
 */
export async function runStaffCommand(context: {
  connection: Connection;
  clock: Clock;
  out: Writable;
  verb: string;
  args: string[];
  flags: Record<string, string | true>;
  readPassword: () => Promise<string>;
}): Promise<number> {
  const accounts = createStaffAccounts({ connection: context.connection, clock: context.clock });
  const write = (line: string) => context.out.write(`${line}\n`);
  const name = context.args.join(' ').trim();
  const chosen = async () =>
    context.flags['password-stdin'] ? (await context.readPassword()).trim() : undefined;
  try {
    if (context.verb === 'list') {
      const all = await accounts.list();
      if (all.length === 0) write('No staff accounts yet: `ownerbot staff add NAME`.');
      for (const account of all)
        write(`${account.name}\t${account.role}\tsince ${account.createdAt.toISOString().slice(0, 10)}`);
      return 0;
    }
    if (!name) {
      write(`usage: ownerbot staff ${context.verb} NAME`);
      return EXIT_USAGE;
    }
    if (context.verb === 'add') {
      const role = context.flags.role === undefined ? 'staff' : String(context.flags.role);
      if (!STAFF_ROLES.includes(role as StaffRole)) {
        write(`--role must be one of ${STAFF_ROLES.join(', ')}`);
        return EXIT_USAGE;
      }
      const password = await accounts.add(name, { role: role as StaffRole, password: await chosen() });
      write(`Added ${name} (${role}). Sign in to /desk and /dashboard as "${name}" with: ${password}`);
      return 0;
    }
    if (context.verb === 'password') {
      const password = await accounts.resetPassword(name, await chosen());
      write(`New password for ${name}: ${password}`);
      return 0;
    }
    if (context.verb === 'remove') {
      write((await accounts.remove(name)) ? `Removed ${name}.` : `No account named ${name}.`);
      return 0;
    }
    write('usage: ownerbot staff (add NAME [--role R] | password NAME | remove NAME | list)');
    return EXIT_USAGE;
  } catch (error) {
    if (error instanceof DomainError) {
      write(error.message);
      return 1;
    }
    throw error;
  }
}
