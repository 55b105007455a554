import type { FastifyReply } from 'fastify';
import { webChatTexts } from '../../../services/i18n/web-chat';
import { localize, type LocalizedText } from '../../../services/i18n/text';
import type { Refusal } from './web-limits';

/** Both languages at once: the API does not know the reader's, the page picks its own. */
export function bilingual(text: LocalizedText, values: Record<string, string | number> = {}) {
  const messages = { zh: localize(text, 'zh', values), en: localize(text, 'en', values) };
  return { message: `${messages.zh} ${messages.en}`, messages };
}

/** An answer the page shows as it is: `error` for programs, `messages` for the owner. */
export const answer = (
  reply: FastifyReply,
  status: number,
  error: string,
  text: LocalizedText,
  values?: Record<string, string | number>,
) => reply.status(status).send({ error, ...bilingual(text, values) });

/** 429 naming the limit and when to try again. */
export function answerRefusal(reply: FastifyReply, refusal: Refusal) {
  const text =
    refusal.limit.startsWith('streams') || refusal.limit === 'anonymous_streams'
      ? webChatTexts.tooManyStreams
      : webChatTexts.rateLimited;
  return reply
    .status(429)
    .header('retry-after', String(refusal.retryAfterSeconds))
    .send({
      error: 'rate_limited',
      limit: refusal.limit,
      retryAfterSeconds: refusal.retryAfterSeconds,
      ...bilingual(text),
    });
}

/** 401: the session id was not issued here (or was altered); the page starts a new session. */
export const unknownSession = (reply: FastifyReply) =>
  answer(reply, 401, 'invalid_session', webChatTexts.sessionUnknown);

/** The `sessionId` query parameter, whatever else the query holds. */
export const sessionIdOf = (query: unknown): unknown =>
  (query as { sessionId?: unknown } | undefined)?.sessionId;
