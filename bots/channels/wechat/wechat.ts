import type { Message, Wechaty } from 'wechaty';
import type {
  Address,
  Attachment,
  ChannelAdapter,
  InboundMessage,
  OutboundMessage,
} from '../../../services/channels/types';
import type { Clock } from '../../../services/clock';
import { ChannelError } from '../../../services/errors';
import type { Logger } from '../../../services/logging/logger';

/**
 * WeChat's customer-service rule: a business may message someone freely only within 48
 * hours of that person's last message; after that only an approved template message may go.
 */
export const CUSTOMER_SERVICE_WINDOW_MS = 48 * 60 * 60_000;

/** wechaty's message types we turn into attachments (values of PUPPET.types.Message). */
const ATTACHMENT_KINDS: Record<number, Attachment['kind']> = {
  2: 'voice', // Audio
  6: 'photo', // Image
  1: 'document', // Attachment
  15: 'video', // Video
  5: 'sticker', // Emoticon
  8: 'location', // Location
};
const TEXT_TYPE = 7;

/**
 * The WeChat channel through wechaty: any puppet (an Official Account, WeCom or service
 * puppet; see docs/channels.md for the ban risk of personal-account puppets). WeChat has no
 * buttons, so choices arrive as numbered lists (render.ts) and are answered by number.
 * Self messages and group chats are ignored. Outreach to an owner silent for more than 48
 * hours is refused with `wechat_template_required` (dead-lettered with that reason) instead
 * of failing silently, because WeChat only allows a template message then.
 */
export function createWechatChannel(deps: {
  wechaty: Wechaty;
  clock: Clock;
  logger: Logger;
  /** When the owner last wrote to us, from their identity; undefined when never. */
  lastInboundAt: (contactId: string) => Promise<Date | undefined>;
  /** The login QR code, for the staff desk to show. */
  onQrCode?: (url: string) => void;
}) {
  const log = deps.logger.child({ channel: 'wechat' });
  const { wechaty } = deps;
  let latestQrCode = '';

  function translate(message: Message): InboundMessage | undefined {
    if (message.self() || message.room()) return undefined;
    const talker = message.talker();
    const type = message.type();
    const attachments: Attachment[] = [];
    const kind = ATTACHMENT_KINDS[type];
    if (kind) attachments.push({ kind, reference: `wechat:${message.id}` });
    const text = type === TEXT_TYPE ? message.text() : '';
    if (text.trim() === '' && attachments.length === 0) return undefined;
    return {
      channel: 'wechat',
      platformMessageId: message.id,
      conversationId: talker.id,
      sender: { id: talker.id, displayName: talker.name() },
      text,
      attachments,
      receivedAt: deps.clock.now(),
    };
  }

  const adapter: ChannelAdapter = {
    name: 'wechat',
    capabilities: { buttons: false, threads: false, markup: false, maxTextLength: 2000 },
    async start(onMessage) {
      wechaty.on('scan', (qrcode: string) => {
        latestQrCode = qrcode;
        // The QR code is what staff scan to log the account in: it belongs in the log.
        log.info({ qrcode }, 'WeChat login: scan this QR code (also shown at /desk)');
        deps.onQrCode?.(qrcode);
      });
      wechaty.on('login', (user) => {
        latestQrCode = '';
        log.info({ account: user.name() }, 'WeChat logged in');
      });
      wechaty.on('logout', () => log.warn('WeChat logged out; scan the new QR code to log in again'));
      wechaty.on('message', (message: Message) => {
        const inbound = translate(message);
        if (!inbound) return;
        onMessage(inbound).catch((error: unknown) =>
          log.error({ err: error }, 'A WeChat message could not be stored'),
        );
      });
      wechaty.on('error', (error) => log.error({ err: error }, 'WeChat puppet error'));
      await wechaty.start();
    },
    async stop() {
      await wechaty.stop();
    },
    async send(address: Address, message: OutboundMessage) {
      const last = await deps.lastInboundAt(address.conversationId);
      if (!last || deps.clock.now().getTime() - last.getTime() > CUSTOMER_SERVICE_WINDOW_MS) {
        throw new ChannelError(
          'wechat_template_required',
          'The owner has not written for over 48 hours; WeChat only allows a template message now',
          { kind: 'rejected', status: 403 },
        );
      }
      const contact = await wechaty.Contact.find({ id: address.conversationId });
      if (!contact) {
        throw new ChannelError('wechat_contact_not_found', 'No such WeChat contact', {
          kind: 'rejected',
          status: 404,
        });
      }
      try {
        await contact.say(message.text);
      } catch (error) {
        throw new ChannelError('wechat_send_failed', error instanceof Error ? error.message : String(error), {
          kind: 'network',
          cause: error,
        });
      }
      return {};
    },
  };

  return {
    adapter,
    get latestQrCode() {
      return latestQrCode;
    },
  };
}
