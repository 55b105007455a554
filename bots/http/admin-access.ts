import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Who may use the staff pages (desk, dashboard, exports). */
export interface AdminAccessSettings {
  adminToken: string | undefined;
  /** Embedded mode without ADMIN_TOKEN: the pages open to loopback only, for trying ownerbot out. */
  openOnLoopback: boolean;
  /** The realm named in the Basic challenge, e.g. "ownerbot desk". */
  realm: string;
}

/** Someone allowed on the staff pages; `name` is the HTTP Basic user name (recorded on actions). */
export interface AdminUser {
  id: string;
  name: string;
}

const LOOPBACK = ['127.0.0.1', '::1', '::ffff:127.0.0.1'];

/**
 * The one access check for every staff page: ADMIN_TOKEN as the HTTP Basic password
 * (compared in constant time), the user name kept as the actor's name (`desk:<name>`).
 * Without a token, embedded mode opens to loopback callers only.
 */
export function createAdminAccess(settings: AdminAccessSettings) {
  /** The user acting, or undefined when the request may not use the staff pages. */
  function userOf(request: FastifyRequest): AdminUser | undefined {
    const match = /^Basic (.+)$/i.exec(request.headers.authorization ?? '');
    const [user = '', ...rest] = match
      ? Buffer.from(match[1] as string, 'base64')
          .toString('utf8')
          .split(':')
      : [];
    const name = user.trim().slice(0, 40) || 'desk';
    if (settings.adminToken) {
      if (!match || !sameSecret(rest.join(':'), settings.adminToken)) return undefined;
      return { id: `desk:${name}`, name };
    }
    const loopback = LOOPBACK.includes(request.socket.remoteAddress ?? '');
    return settings.openOnLoopback && loopback ? { id: `desk:${name}`, name } : undefined;
  }

  /** 401 with a Basic challenge; 503 with a bilingual page when no token is set and nothing may open. */
  function refuse(reply: FastifyReply, title: string) {
    if (settings.adminToken || settings.openOnLoopback) {
      return reply
        .status(401)
        .header('www-authenticate', `Basic realm="${settings.realm}"`)
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
  const csrfTokenFor = (user: AdminUser): string =>
    createHmac('sha256', csrfKey).update(user.id).digest('base64url');

  /**
   * Whether a state-changing request (POST) really comes from our own page: the browser's
   * Sec-Fetch-Site / Origin must not name another site (browsers send stored Basic
   * credentials with cross-site form posts), and the form's `csrf` field must be the
   * user's token (for browsers too old to send either header).
   */
  function allowsAction(request: FastifyRequest, user: AdminUser, formToken: unknown): boolean {
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

  return { userOf, refuse, csrfTokenFor, allowsAction, refuseForgery };
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
