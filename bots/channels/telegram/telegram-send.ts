import { InlineKeyboard, type Bot } from 'grammy';
import type { Address, OutboundMessage, SendResult } from '../../../services/channels/types';
import type { Logger } from '../../../services/logging/logger';
import { toChannelError } from './telegram-errors';

/** Buttons per keyboard row: two fit phone screens in both languages. */
const BUTTONS_PER_ROW = 2;

/** sendMessage's options for a message: its buttons as an inline keyboard, and the message it answers. */
function sendOptions(message: OutboundMessage) {
  const keyboard = new InlineKeyboard();
  (message.buttons ?? []).forEach((button, index) => {
    keyboard.text(button.label, button.action);
    if (index % BUTTONS_PER_ROW === BUTTONS_PER_ROW - 1) keyboard.row();
  });
  return {
    ...(message.buttons?.length ? { reply_markup: keyboard } : {}),
    ...(message.replyToPlatformMessageId
      ? {
          reply_parameters: {
            message_id: Number(message.replyToPlatformMessageId.split(':').pop()),
            allow_sending_without_reply: true,
          },
        }
      : {}),
  };
}

/**
 * Sends one message; its platform id is `<chat>:<message>`. A 403 means the owner blocked
 * the bot: they are reported unreachable (best effort) and the error is rethrown, not retried.
 */
export async function sendTelegramMessage(
  ctx: {
    bot: Bot;
    log: Logger;
    onUnreachable: (platformUserId: string, reason: string) => Promise<unknown>;
  },
  address: Address,
  message: OutboundMessage,
): Promise<SendResult> {
  try {
    const sent = await ctx.bot.api.sendMessage(address.conversationId, message.text, sendOptions(message));
    return { platformMessageId: `${sent.chat.id}:${sent.message_id}` };
  } catch (error) {
    const failure = toChannelError(error);
    if (failure.status === 403) {
      await ctx.onUnreachable(address.conversationId, failure.message).catch(() => undefined);
      ctx.log.info({ chat: 'blocked' }, 'An owner blocked the bot; their identity is marked unreachable');
    }
    throw failure;
  }
}
