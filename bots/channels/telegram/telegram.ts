import type { FastifyInstance } from 'fastify';
import { Bot, GrammyError, HttpError, InlineKeyboard, webhookCallback } from 'grammy';
import type {
  Address,
  ChannelAdapter,
  InboundMessage,
  OutboundMessage,
} from '../../../services/channels/types';
import type { Clock } from '../../../services/clock';
import { ChannelError } from '../../../services/errors';
import { sameSecret } from '../../http/admin-access';
import type { Logger } from '../../../services/logging/logger';
import { parseTelegramUpdate, toInboundMessage } from './telegram-update';

export interface TelegramSettings {
  token: string;
  apiRoot: string;
  /** Set: webhook mode at POST /telegram/webhook; unset: long polling. */
  webhookSecret: string | undefined;
}

/** Buttons per keyboard row: two fit phone screens in both languages. */
const BUTTONS_PER_ROW = 2;

/** grammY's errors in the core's terms: the API said no (with its code), or the network failed. */
function toChannelError(error: unknown): ChannelError {
  if (error instanceof GrammyError) {
    return new ChannelError(`telegram_${error.error_code}`, error.description, {
      kind: error.error_code >= 500 ? 'network' : 'rejected',
      status: error.error_code,
      ...(error.parameters.retry_after !== undefined
        ? { retryAfterSeconds: error.parameters.retry_after }
        : {}),
      cause: error,
    });
  }
  if (error instanceof HttpError) {
    return new ChannelError('telegram_network', 'Could not reach the Telegram Bot API', {
      kind: 'network',
      cause: error,
    });
  }
  return new ChannelError('telegram_error', error instanceof Error ? error.message : String(error), {
    kind: 'network',
    cause: error,
  });
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
  let receive: ((message: InboundMessage) => Promise<unknown>) | undefined;
  let polling = false;

  async function accept(raw: unknown): Promise<void> {
    const checked = parseTelegramUpdate(raw);
    if ('problem' in checked) {
      log.warn({ problem: checked.problem }, 'Skipped a malformed Telegram update');
      return;
    }
    const { update } = checked;
    if (update.callback_query) {
      // Answer first: the owner's button stops spinning whatever happens next.
      await bot.api
        .answerCallbackQuery(update.callback_query.id)
        .catch((error: unknown) =>
          log.warn({ err: toChannelError(error) }, 'Could not answer a callback query'),
        );
    }
    const message = toInboundMessage(update, deps.clock);
    if (!message) return;
    if (!receive) throw new Error('the Telegram channel is not started');
    await receive(message);
  }

  const adapter: ChannelAdapter = {
    name: 'telegram',
    capabilities: { buttons: true, threads: false, markup: false, maxTextLength: 4096 },
    async start(onMessage) {
      receive = onMessage;
      if (deps.settings.webhookSecret) {
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
      polling = true;
      void bot
        .start({
          allowed_updates: ['message', 'edited_message', 'callback_query'],
          drop_pending_updates: false,
        })
        .catch((error: unknown) =>
          log.error({ err: toChannelError(error) }, 'Telegram long polling stopped'),
        );
      log.info('Telegram long polling started');
    },
    async stop() {
      if (polling) await bot.stop();
      polling = false;
      receive = undefined;
    },
    async send(address: Address, message: OutboundMessage) {
      const keyboard = new InlineKeyboard();
      (message.buttons ?? []).forEach((button, index) => {
        keyboard.text(button.label, button.action);
        if (index % BUTTONS_PER_ROW === BUTTONS_PER_ROW - 1) keyboard.row();
      });
      try {
        const sent = await bot.api.sendMessage(address.conversationId, message.text, {
          ...(message.buttons?.length ? { reply_markup: keyboard } : {}),
          ...(message.replyToPlatformMessageId
            ? {
                reply_parameters: {
                  message_id: Number(message.replyToPlatformMessageId.split(':').pop()),
                  allow_sending_without_reply: true,
                },
              }
            : {}),
        });
        return { platformMessageId: `${sent.chat.id}:${sent.message_id}` };
      } catch (error) {
        const failure = toChannelError(error);
        if (failure.status === 403) {
          await deps.onUnreachable(address.conversationId, failure.message).catch(() => undefined);
          log.info({ chat: 'blocked' }, 'An owner blocked the bot; their identity is marked unreachable');
        }
        throw failure;
      }
    },
  };

  // grammY routes every update, in both modes; the core's handling happens after the store.
  bot.on(['message', 'edited_message', 'callback_query'], (context) => accept(context.update));

  function routes(server: FastifyInstance): void {
    const secret = deps.settings.webhookSecret;
    if (!secret) return;
    // grammY checks the secret again and answers 200 once the update is stored; an error
    // (the database down) becomes a 5xx, which Telegram retries.
    const handle = webhookCallback(bot, 'fastify', {
      secretToken: secret,
      onTimeout: 'throw',
      timeoutMilliseconds: 9_000,
    });
    server.post('/telegram/webhook', async (request, reply) => {
      const given = request.headers['x-telegram-bot-api-secret-token'];
      if (!sameSecret(typeof given === 'string' ? given : undefined, secret)) {
        return reply.status(401).send({ error: 'unauthorized' });
      }
      // A signed but malformed update is refused with its reason, before grammY or the core.
      const checked = parseTelegramUpdate(request.body);
      if ('problem' in checked) {
        log.warn({ problem: checked.problem }, 'Refused a malformed Telegram update');
        return reply.status(400).send({ error: 'invalid_update', message: checked.problem });
      }
      if (!bot.isInited()) await bot.init();
      return handle(request, reply);
    });
  }

  return { adapter, routes, bot };
}
