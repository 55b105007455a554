import type { Connection } from 'mongoose';
import { systemClock } from '../../services/clock';
import { createStaffAccounts, type StaffRole } from '../../services/staff/staff-accounts';

/** The password every test staff account signs in with. */
export const STAFF_PASSWORD = 'staff-password-for-tests';

/** Named desk accounts (each with STAFF_PASSWORD), as `npx ownerbot staff add` makes them. */
export async function seedStaff(
  connection: Connection,
  names: string[],
  role: StaffRole = 'staff',
): Promise<void> {
  const accounts = createStaffAccounts({ connection, clock: systemClock });
  for (const name of names) await accounts.add(name, { role, password: STAFF_PASSWORD });
}
