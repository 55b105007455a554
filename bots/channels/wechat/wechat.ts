import { cleanInboundText } from '../../../services/channels/inbound-text';
import type { Message, Wechaty } from 'wechaty';
import type {
  Address,
  Attachment,
  ChannelAdapter,
  InboundMessage,
  OutboundMessage,
  SendResult,
} from '../../../services/channels/types';
import type { Clock } from '../../../services/clock';
import { ChannelError } from '../../../services/errors';
import type { Logger } from '../../../services/logging/logger';
import type { HeldMessages } from '../../../services/wechat-official/held-messages';
import type { OfficialSender } from '../../../services/wechat-official/official-sender';

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

/** The Official Account API side of the channel: customer-service messages and templates. */
export interface OfficialChannel {
  sender: Pick<OfficialSender, 'sendText' | 'sendTemplate' | 'hasTemplate'>;
  held: Pick<HeldMessages, 'hold' | 'wentAsTemplate' | 'discard'>;
}

function templateRequired(why: string): ChannelError {
  return new ChannelError(
    'wechat_template_required',
    `The owner has not written for over 48 hours and WeChat only allows a template message now; ${why}`,
    { kind: 'rejected', status: 403 },
  );
}

/**
 * The WeChat channel through wechaty: any puppet (an Official Account, WeCom or service
 * puppet; see docs/channels.md for the ban risk of personal-account puppets). WeChat has no
 * buttons, so choices arrive as numbered lists (render.ts) and are answered by number.
 * Self messages and group chats are ignored. With `official` (the Official Account API),
 * sends go through that API: a customer-service message within 48 hours of the owner's last
 * message, a template message for outreach after that. Without it, or without a template for
 * the purpose, such a send is refused as `wechat_template_required` (a dead letter with that
 * reason, counted by `survey status` and the desk) instead of failing silently.
 */
export function createWechatChannel(deps: {
  wechaty: Wechaty;
  clock: Clock;
  logger: Logger;
  /** When the owner last wrote to us, from their identity; undefined when never. */
  lastInboundAt: (contactId: string) => Promise<Date | undefined>;
  /** The login QR code, for the staff desk to show. */
  onQrCode?: (url: string) => void;
  official?: OfficialChannel;
  /** The platform said the owner cannot be reached (unfollowed, refused, not our user). */
  onUnreachable?: (contactId: string, reason: string) => Promise<unknown>;
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
    const text = type === TEXT_TYPE ? cleanInboundText(message.text()) : '';
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
      const inWindow = !!last && deps.clock.now().getTime() - last.getTime() <= CUSTOMER_SERVICE_WINDOW_MS;
      if (!deps.official) {
        if (!inWindow) throw templateRequired('no Official Account is configured (WECHAT_APP_ID)');
        return sayThroughPuppet(address, message);
      }
      try {
        return await sendOfficially(deps.official, address.conversationId, message, inWindow);
      } catch (error) {
        if (
          error instanceof ChannelError &&
          error.status === 403 &&
          error.code !== 'wechat_template_required'
        )
          await deps.onUnreachable?.(address.conversationId, error.code);
        throw error;
      }
    },
  };

  async function sayThroughPuppet(address: Address, message: OutboundMessage): Promise<SendResult> {
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
  }

  /**
   * Through the Official Account API: a customer-service message inside the window (and when
   * the platform says the window closed after all, a template), a template outside it. The
   * message a template stands in for is held until the owner answers (template-follow-up.ts);
   * the later parts of a split message follow their first part into the hold.
   */
  async function sendOfficially(
    official: OfficialChannel,
    openid: string,
    message: OutboundMessage,
    inWindow: boolean,
  ): Promise<SendResult> {
    const delivery = message.delivery;
    const hold = delivery && {
      contactId: openid,
      key: delivery.key,
      part: delivery.part,
      purpose: delivery.purpose,
      text: message.text,
      ...(message.language ? { language: message.language } : {}),
    };
    if (hold && hold.part > 0 && (await official.held.wentAsTemplate(hold.key))) {
      await official.held.hold(hold);
      return {};
    }
    if (inWindow) {
      try {
        await official.sender.sendText(openid, message.text);
        return {};
      } catch (error) {
        if (!(error instanceof ChannelError && error.code === 'wechat_template_required')) throw error;
        log.info({ purpose: delivery?.purpose }, 'WeChat says the 48-hour window closed; trying a template');
      }
    }
    if (!delivery || !hold || !official.sender.hasTemplate(delivery.purpose))
      throw templateRequired(`no template is configured for ${delivery?.purpose ?? 'this message'}`);
    await official.held.hold(hold);
    try {
      const { msgid } = await official.sender.sendTemplate(openid, {
        purpose: delivery.purpose,
        text: message.text,
        language: message.language ?? 'zh',
      });
      return { platformMessageId: `template:${msgid}` };
    } catch (error) {
      if (error instanceof ChannelError && error.kind === 'rejected' && error.retryAfterSeconds === undefined)
        await official.held.discard(delivery.key);
      throw error;
    }
  }

  return {
    adapter,
    get latestQrCode() {
      return latestQrCode;
    },
  };
}
