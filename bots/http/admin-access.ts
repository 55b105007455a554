import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../../services/clock';
import type { StaffAccounts, StaffRole } from '../../services/staff/staff-accounts';
import { verifySignIn } from './basic-sign-in';
import { createFormGuard } from './form-guard';
import { ICON_LINK } from './icon';
import { createSignInThrottle } from './sign-in-throttle';

export { ADMIN_USER } from './basic-sign-in';
export { sameSecret } from './same-secret';

/** Who may use the staff pages (desk, dashboard, exports). */
export interface AdminAccessSettings {
  adminToken: string | undefined;
  /** Embedded mode without ADMIN_TOKEN: the pages open to loopback only, for trying ownerbot out. */
  openOnLoopback: boolean;
  /** Named staff accounts (each signs in with their own password); absent = ADMIN_TOKEN alone. */
  accounts?: StaffAccounts;
  clock: Clock;
}

/** Someone signed in to the staff pages; `id` (`desk:<name>`) is recorded on every action. */
export interface AdminUser {
  id: string;
  name: string;
  role: StaffRole;
  /** Supervisors and managers may act on any case, whoever owns it. */
  supervisor: boolean;
}

/**
 * The one access check for every staff page (HTTP Basic): `admin` with ADMIN_TOKEN, or a named
 * staff account with its own password (`npx ownerbot staff add`), so the audit log names a real
 * person. Failed sign-ins are counted per client address: after ten in 15 minutes the address
 * gets 429 until it may try again. Without a token, embedded mode opens to loopback callers only.
 */
export function createAdminAccess(settings: AdminAccessSettings) {
  const signedIn = new WeakMap<FastifyRequest, AdminUser>();
  const throttle = createSignInThrottle(settings.clock);

  /**
   * A preHandler for a scope of staff pages: signs the caller in (then `userOf` names them)
   * or answers 401 / 429 / 503 itself.
   */
  function requireSignIn(title: string, realm: string) {
    return async (request: FastifyRequest, reply: FastifyReply) => {
      const wait = throttle.lockedFor(request.ip);
      if (wait > 0) {
        return reply
          .status(429)
          .header('retry-after', String(wait))
          .send({
            error: 'too_many_attempts',
            message: `Too many failed sign-ins from this address; try again in ${wait} s. 登录失败次数过多，请 ${wait} 秒后再试。`,
          });
      }
      const verdict = await verifySignIn(request, settings);
      if (typeof verdict === 'object') {
        signedIn.set(request, verdict);
        return;
      }
      if (verdict === 'wrong' && settings.adminToken) throttle.failed(request.ip);
      return refuse(settings, reply, title, realm);
    };
  }

  /** The user the scope's sign-in found (always set inside a scope that requires it). */
  function userOf(request: FastifyRequest): AdminUser | undefined {
    return signedIn.get(request);
  }

  return { requireSignIn, userOf, ...createFormGuard(settings.adminToken) };
}

export type AdminAccess = ReturnType<typeof createAdminAccess>;

/** 401 with a Basic challenge; 503 with a bilingual page when no token is set and nothing may open. */
function refuse(settings: AdminAccessSettings, reply: FastifyReply, title: string, realm: string) {
  if (settings.adminToken || settings.openOnLoopback) {
    return reply
      .status(401)
      .header('www-authenticate', `Basic realm="${realm}", charset="UTF-8"`)
      .send({ error: 'unauthorized' });
  }
  return reply
    .status(503)
    .header('content-type', 'text/html; charset=utf-8')
    .send(
      `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">${ICON_LINK}<title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1><p>Set ADMIN_TOKEN to open this page. 请先设置 ADMIN_TOKEN。</p></body></html>`,
    );
}

/** Text made inert for HTML bodies and attribute values. */
export const escapeHtml = (value: string): string =>
  value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
