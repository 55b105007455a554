import type { FastifyRequest } from 'fastify';
import type { StaffRole } from '../../services/staff/staff-accounts';
import type { AdminAccessSettings, AdminUser } from './admin-access';
import { sameSecret } from './same-secret';

const LOOPBACK = ['127.0.0.1', '::1', '::ffff:127.0.0.1'];
/** The user name that signs in with ADMIN_TOKEN (the manager's own account). */
export const ADMIN_USER = 'admin';

const userNamed = (name: string, role: StaffRole): AdminUser => ({
  id: `desk:${name}`,
  name,
  role,
  supervisor: role !== 'staff',
});

/**
 * Who an HTTP Basic sign-in names: `admin` with ADMIN_TOKEN, or a staff account with its own
 * password. Without a token only the loopback demo mode signs anyone in; `wrong` otherwise.
 */
export async function verifySignIn(
  request: FastifyRequest,
  settings: AdminAccessSettings,
): Promise<AdminUser | 'no_credentials' | 'wrong'> {
  const match = /^Basic (.+)$/i.exec(request.headers.authorization ?? '');
  const [user = '', ...rest] = match
    ? Buffer.from(match[1] as string, 'base64')
        .toString('utf8')
        .split(':')
    : [];
  const name = user.trim().slice(0, 40);
  const password = rest.join(':');
  if (!settings.adminToken) {
    const loopback = LOOPBACK.includes(request.socket.remoteAddress ?? '');
    return settings.openOnLoopback && loopback ? userNamed(name || 'desk', 'manager') : 'wrong';
  }
  if (!match) return 'no_credentials';
  if (name.toLowerCase() === ADMIN_USER)
    return sameSecret(password, settings.adminToken) ? userNamed(ADMIN_USER, 'manager') : 'wrong';
  const account = name ? await settings.accounts?.verify(name, password) : undefined;
  return account ? userNamed(account.name, account.role) : 'wrong';
}
