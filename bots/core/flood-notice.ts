import { detectLanguage } from '../../nlp/language';
import type { Clock } from '../../services/clock';
import { floodTexts } from '../../services/i18n/flood';
import { localize, type Language } from '../../services/i18n/text';
import type { Logger } from '../../services/logging/logger';
import type { HandlingResult } from '../../services/messages/handling-lease';
import type { MessageRecord } from '../../services/messages/message-model';
import type { Outbox } from '../../services/outbox/outbox';

/** At most one slow-down reply per sender in this time, whichever instance holds their messages. */
const NOTICE_PERIOD_MS = 10 * 60_000;

/** What holding a message needs: the outbox for the notice and the owner's language. */
export interface FloodNoticeContext {
  outbox: Outbox;
  clock: Clock;
  logger: Logger;
  languageOf: (identityKey: string) => Promise<Language | undefined>;
  onHeld?: (channel: string, scope: 'sender' | 'channel') => void;
  perSenderPerMinute: number;
}

/**
 * Holds a flooding sender's message (outcome `flood_held`) and queues the slow-down reply
 * in their language, keyed by sender and ten-minute period, so however many instances
 * hold their messages they get one per period.
 */
export async function holdFlooded(
  ctx: FloodNoticeContext,
  message: MessageRecord,
  scope: 'sender' | 'channel',
): Promise<HandlingResult> {
  ctx.onHeld?.(message.channel, scope);
  const now = ctx.clock.now().getTime();
  const period = Math.floor(now / NOTICE_PERIOD_MS) * NOTICE_PERIOD_MS;
  // A sender we do not know yet: the language of their words (mixed text reads as Chinese).
  const language: Language =
    (await ctx.languageOf(`${message.channel}:${message.senderId}`).catch(() => undefined)) ??
    (detectLanguage(message.text ?? '') === 'en' ? 'en' : 'zh');
  const key = `flood:${message.channel}:${message.senderId}:${new Date(period).toISOString()}`;
  // One notice per sender and period: the key makes every later enqueue a no-op.
  const { created } = await ctx.outbox.enqueue({
    key,
    address: {
      channel: message.channel as never,
      conversationId: message.conversationId,
      ...(message.threadId ? { threadId: message.threadId } : {}),
    },
    purpose: 'reply',
    message: { language, text: localize(floodTexts.slowDown, language) },
  });
  if (created)
    ctx.logger.warn(
      { channel: message.channel, scope, perSenderPerMinute: ctx.perSenderPerMinute },
      'A sender is flooding; further messages are stored without being handled one by one',
    );
  return { outcome: 'flood_held', language };
}
