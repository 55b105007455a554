import type { FastifyInstance } from 'fastify';
import { Bot, GrammyError, HttpError, InlineKeyboard } from 'grammy';
import type { Update } from 'grammy/types';
import type {
  Address,
  Attachment,
  ChannelAdapter,
  InboundMessage,
  OutboundMessage,
} from '../../../services/channels/types';
import type { Clock } from '../../../services/clock';
import { ChannelError } from '../../../services/errors';
import { sameSecret } from '../../http/admin-access';
import type { Logger } from '../../../services/logging/logger';

export interface TelegramSettings {
  token: string;
  apiRoot: string;
  /** Set: webhook mode at POST /telegram/webhook; unset: long polling. */
  webhookSecret: string | undefined;
}

/** Buttons per keyboard row: two fit phone screens in both languages. */
const BUTTONS_PER_ROW = 2;

/**
 * Turns a Telegram update into the core's message, or undefined for what ownerbot does not
 * handle. Choices (docs/channels.md): only private chats are served (group messages are
 * ignored, the bot is not a group member of record); an edited message counts as a new
 * message from the owner (their correction of what they wrote), keyed by its edit time.
 */
export function toInboundMessage(update: Update, clock: Clock): InboundMessage | undefined {
  if (update.callback_query) {
    const query = update.callback_query;
    const chat = query.message?.chat;
    if (!chat || chat.type !== 'private' || !query.data) return undefined;
    return {
      channel: 'telegram',
      platformMessageId: `cb:${query.id}`,
      conversationId: String(chat.id),
      sender: { id: String(query.from.id), displayName: displayName(query.from) },
      text: '',
      action: query.data,
      attachments: [],
      receivedAt: clock.now(),
    };
  }
  const edited = update.edited_message;
  const message = update.message ?? edited;
  if (!message || message.chat.type !== 'private' || !message.from || message.from.is_bot) return undefined;
  const attachments: Attachment[] = [];
  if (message.photo?.length) {
    const largest = message.photo[message.photo.length - 1];
    if (largest) attachments.push({ kind: 'photo', reference: largest.file_id });
  }
  if (message.document)
    attachments.push({
      kind: 'document',
      reference: message.document.file_id,
      name: message.document.file_name ?? '',
    });
  if (message.voice) attachments.push({ kind: 'voice', reference: message.voice.file_id });
  if (message.video) attachments.push({ kind: 'video', reference: message.video.file_id });
  if (message.sticker) attachments.push({ kind: 'sticker', reference: message.sticker.file_id });
  if (message.location) {
    attachments.push({
      kind: 'location',
      reference: `${message.location.latitude},${message.location.longitude}`,
    });
  }
  const text = message.text ?? message.caption ?? '';
  if (text === '' && attachments.length === 0) return undefined; // service messages, polls, contacts...
  return {
    channel: 'telegram',
    platformMessageId: edited
      ? `${message.chat.id}:${message.message_id}:e${edited.edit_date}`
      : `${message.chat.id}:${message.message_id}`,
    conversationId: String(message.chat.id),
    sender: { id: String(message.from.id), displayName: displayName(message.from) },
    text,
    attachments,
    receivedAt: new Date(message.date * 1000),
  };
}

function displayName(user: { first_name: string; last_name?: string; username?: string }): string {
  return [user.first_name, user.last_name].filter(Boolean).join(' ') || user.username || '';
}

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

  async function accept(update: Update): Promise<void> {
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
      if (deps.settings.webhookSecret) return; // updates arrive at POST /telegram/webhook
      await bot.init();
      await bot.api.deleteWebhook();
      bot.on('message', (context) => accept(context.update));
      bot.on('edited_message', (context) => accept(context.update));
      bot.on('callback_query', (context) => accept(context.update));
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

  function routes(server: FastifyInstance): void {
    const secret = deps.settings.webhookSecret;
    if (!secret) return;
    server.post('/telegram/webhook', async (request, reply) => {
      const given = request.headers['x-telegram-bot-api-secret-token'];
      if (!sameSecret(typeof given === 'string' ? given : undefined, secret)) {
        return reply.status(401).send({ error: 'unauthorized' });
      }
      const update = request.body as Update | undefined;
      if (!update || typeof update.update_id !== 'number') {
        return reply.status(400).send({ error: 'invalid_update' });
      }
      // Stored before the 200 (DESIGN decision 2); classification and replies come later.
      await accept(update);
      return reply.status(200).send({ ok: true });
    });
  }

  return { adapter, routes, bot };
}
