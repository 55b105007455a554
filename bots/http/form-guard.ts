import { createHmac, randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sameSecret } from './same-secret';

/**
 * Guards staff forms against cross-site posts. Form tokens are an HMAC of the user's id:
 * every instance sharing ADMIN_TOKEN accepts them, and nobody without the token can make
 * one. Without a token (loopback demo mode) a random secret keys them.
 */
export function createFormGuard(adminToken: string | undefined) {
  const csrfKey = adminToken ? `csrf:${adminToken}` : randomBytes(32).toString('hex');
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

  return { csrfTokenFor, allowsAction, refuseForgery };
}
