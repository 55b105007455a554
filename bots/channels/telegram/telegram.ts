import type { FastifyInstance } from 'fastify';
import { Bot } from 'grammy';
import type { ChannelAdapter } from '../../../services/channels/types';
import type { Clock } from '../../../services/clock';
import type { Logger } from '../../../services/logging/logger';
import { acceptUpdate, startTelegram, stopTelegram, type TelegramState } from './telegram-lifecycle';
import { sendTelegramMessage } from './telegram-send';
import { registerTelegramWebhook } from './telegram-webhook';

export interface TelegramSettings {
  token: string;
  apiRoot: string;
  /** Set: webhook mode at POST /telegram/webhook; unset: long polling. */
  webhookSecret: string | undefined;
}

/**
 * The Telegram channel (grammY). Webhook mode when a secret is configured: the update is
 * stored before the 200 and handled afterwards; long polling otherwise. Every callback query
 * is answered at once (the button stops spinning). A 403 means the owner blocked the bot:
 * their identity is marked unreachable and the send is not retried.
 */
export function createTelegramChannel(deps: {
  settings: TelegramSettings;
  clock: Clock;
  logger: Logger;
  onUnreachable: (platformUserId: string, reason: string) => Promise<unknown>;
}) {
  const log = deps.logger.child({ channel: 'telegram' });
  const bot = new Bot(deps.settings.token, { client: { apiRoot: deps.settings.apiRoot } });
  const state: TelegramState = { bot, clock: deps.clock, log, receive: undefined, polling: false };

  const adapter: ChannelAdapter = {
    name: 'telegram',
    capabilities: { buttons: true, threads: false, markup: false, maxTextLength: 4096 },
    async start(onMessage) {
      state.receive = onMessage;
      await startTelegram(state, !!deps.settings.webhookSecret);
    },
    stop: () => stopTelegram(state),
    send: (address, message) =>
      sendTelegramMessage({ bot, log, onUnreachable: deps.onUnreachable }, address, message),
  };

  // grammY routes every update, in both modes; the core's handling happens after the store.
  bot.on(['message', 'edited_message', 'callback_query'], (context) => acceptUpdate(state, context.update));

  function routes(server: FastifyInstance): void {
    const secret = deps.settings.webhookSecret;
    if (secret) registerTelegramWebhook(server, { bot, log, secret });
  }

  return { adapter, routes, bot };
}
