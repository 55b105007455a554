import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../../services/clock';
import type { StaffAccounts, StaffRole } from '../../services/staff/staff-accounts';

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

const LOOPBACK = ['127.0.0.1', '::1', '::ffff:127.0.0.1'];
/** The user name that signs in with ADMIN_TOKEN (the manager's own account). */
export const ADMIN_USER = 'admin';
/** Failed sign-ins one address may make before it must wait (refilled over 15 minutes). */
const FAILED_SIGN_INS = { count: 10, periodMs: 15 * 60_000 };

const userNamed = (name: string, role: StaffRole): AdminUser => ({
  id: `desk:${name}`,
  name,
  role,
  supervisor: role !== 'staff',
});

/**
 * The one access check for every staff page (HTTP Basic): `admin` with ADMIN_TOKEN, or a named
 * staff account with its own password (`npx ownerbot staff add`), so the audit log names a real
 * person. Failed sign-ins are counted per client address: after ten in 15 minutes the address
 * gets 429 until it may try again. Without a token, embedded mode opens to loopback callers only.
 */
export function createAdminAccess(settings: AdminAccessSettings) {
  const signedIn = new WeakMap<FastifyRequest, AdminUser>();
  const failures = new Map<string, { tokens: number; at: number }>();

  /** Seconds the address must wait before another sign-in is checked; 0 = may try. */
  function lockedFor(address: string): number {
    const now = settings.clock.now().getTime();
    const bucket = failures.get(address);
    if (!bucket) return 0;
    bucket.tokens = Math.min(
      FAILED_SIGN_INS.count,
      bucket.tokens + ((now - bucket.at) * FAILED_SIGN_INS.count) / FAILED_SIGN_INS.periodMs,
    );
    bucket.at = now;
    if (bucket.tokens >= FAILED_SIGN_INS.count) failures.delete(address);
    return bucket.tokens >= 1
      ? 0
      : Math.ceil(((1 - bucket.tokens) * FAILED_SIGN_INS.periodMs) / FAILED_SIGN_INS.count / 1000);
  }
  function failed(address: string): void {
    const bucket = failures.get(address) ?? {
      tokens: FAILED_SIGN_INS.count,
      at: settings.clock.now().getTime(),
    };
    bucket.tokens -= 1;
    if (failures.size > 50_000) failures.clear();
    failures.set(address, bucket);
  }

  async function verify(request: FastifyRequest): Promise<AdminUser | 'no_credentials' | 'wrong'> {
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

  /**
   * A preHandler for a scope of staff pages: signs the caller in (then `userOf` names them)
   * or answers 401 / 429 / 503 itself.
   */
  function requireSignIn(title: string, realm: string) {
    return async (request: FastifyRequest, reply: FastifyReply) => {
      const wait = lockedFor(request.ip);
      if (wait > 0) {
        return reply
          .status(429)
          .header('retry-after', String(wait))
          .send({
            error: 'too_many_attempts',
            message: `Too many failed sign-ins from this address; try again in ${wait} s. 登录失败次数过多，请 ${wait} 秒后再试。`,
          });
      }
      const verdict = await verify(request);
      if (typeof verdict === 'object') {
        signedIn.set(request, verdict);
        return;
      }
      if (verdict === 'wrong' && settings.adminToken) failed(request.ip);
      return refuse(reply, title, realm);
    };
  }

  /** The user the scope's sign-in found (always set inside a scope that requires it). */
  function userOf(request: FastifyRequest): AdminUser | undefined {
    return signedIn.get(request);
  }

  /** 401 with a Basic challenge; 503 with a bilingual page when no token is set and nothing may open. */
  function refuse(reply: FastifyReply, title: string, realm: string) {
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
        `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1><p>Set ADMIN_TOKEN to open this page. 请先设置 ADMIN_TOKEN。</p></body></html>`,
      );
  }

  // Form tokens are an HMAC of the user's name: every instance sharing ADMIN_TOKEN accepts
  // them, and nobody without the token can make one. Loopback demo mode keys a random secret.
  const csrfKey = settings.adminToken ? `csrf:${settings.adminToken}` : randomBytes(32).toString('hex');
  const csrfTokenFor = (user: { id: string }): string =>
    createHmac('sha256', csrfKey).update(user.id).digest('base64url');

  /**
   * Whether a state-changing request (POST) really comes from our own page: the browser's
   * Sec-Fetch-Site / Origin must not name another site (browsers send stored Basic
   * credentials with cross-site form posts), and the form's `csrf` field must be the
   * user's token (for browsers too old to send either header).
   */
  function allowsAction(request: FastifyRequest, user: { id: string }, formToken: unknown): boolean {
    const site = request.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin' && site !== 'none') return false;
    const origin = request.headers.origin;
    if (origin !== undefined && origin !== 'null') {
      let host: string;
      try {
        host = new URL(origin).host;
      } catch {
        return false;
      }
      if (host !== request.host) return false;
    } else if (origin === 'null') return false;
    return sameSecret(typeof formToken === 'string' ? formToken : '', csrfTokenFor(user));
  }

  /** 403 for a form post that did not come from our own page (nothing was changed). */
  function refuseForgery(reply: FastifyReply) {
    return reply.status(403).send({
      error: 'forbidden',
      message:
        'This form must be sent from the ownerbot page itself; reload it and try again. 请从页面本身提交。',
    });
  }

  return { requireSignIn, userOf, csrfTokenFor, allowsAction, refuseForgery };
}

export type AdminAccess = ReturnType<typeof createAdminAccess>;

/** Compares a secret someone sent with ours in constant time (no early exit that leaks a prefix). */
export function sameSecret(given: string | undefined, expected: string): boolean {
  const a = Buffer.from(given ?? '');
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Text made inert for HTML bodies and attribute values. */
export const escapeHtml = (value: string): string =>
  value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
