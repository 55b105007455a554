import type { Bot } from 'grammy';
import type { InboundMessage } from '../../../services/channels/types';
import type { Clock } from '../../../services/clock';
import type { Logger } from '../../../services/logging/logger';
import { toChannelError } from './telegram-errors';
import { parseTelegramUpdate, toInboundMessage } from './telegram-update';

/** The channel's running state, shared by start, stop and the update handler. */
export interface TelegramState {
  bot: Bot;
  clock: Clock;
  log: Logger;
  /** The core's entry, set while the channel is started. */
  receive: ((message: InboundMessage) => Promise<unknown>) | undefined;
  polling: boolean;
}

/**
 * Hands one update to the core. A callback query is answered first, whatever happens next;
 * a malformed update is logged and skipped. Rejects when the channel is not started.
 */
export async function acceptUpdate(state: TelegramState, raw: unknown): Promise<void> {
  const checked = parseTelegramUpdate(raw);
  if ('problem' in checked) {
    state.log.warn({ problem: checked.problem }, 'Skipped a malformed Telegram update');
    return;
  }
  const { update } = checked;
  if (update.callback_query) {
    // Answer first: the owner's button stops spinning whatever happens next.
    await state.bot.api
      .answerCallbackQuery(update.callback_query.id)
      .catch((error: unknown) =>
        state.log.warn({ err: toChannelError(error) }, 'Could not answer a callback query'),
      );
  }
  const message = toInboundMessage(update, state.clock);
  if (!message) return;
  if (!state.receive) throw new Error('the Telegram channel is not started');
  await state.receive(message);
}

/**
 * Starts receiving: in webhook mode only the bot's own info is fetched (a failure is retried
 * with the first webhook update); otherwise any webhook is removed and long polling begins.
 */
export async function startTelegram(state: TelegramState, webhookMode: boolean): Promise<void> {
  const { bot, log } = state;
  if (webhookMode) {
    // Updates arrive at POST /telegram/webhook; grammY needs the bot's own info (one getMe).
    await bot
      .init()
      .catch((error: unknown) =>
        log.warn(
          { err: toChannelError(error) },
          'Telegram getMe failed; retried with the first webhook update',
        ),
      );
    return;
  }
  await bot.init();
  await bot.api.deleteWebhook();
  bot.catch((error) => log.error({ err: error.error }, 'A Telegram update could not be stored'));
  state.polling = true;
  void bot
    .start({
      allowed_updates: ['message', 'edited_message', 'callback_query'],
      drop_pending_updates: false,
    })
    .catch((error: unknown) => log.error({ err: toChannelError(error) }, 'Telegram long polling stopped'));
  log.info('Telegram long polling started');
}

/** Stops long polling if it runs, and disconnects the core. */
export async function stopTelegram(state: TelegramState): Promise<void> {
  if (state.polling) await state.bot.stop();
  state.polling = false;
  state.receive = undefined;
}
