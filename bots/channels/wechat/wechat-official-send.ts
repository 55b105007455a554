import type { OutboundMessage, SendResult } from '../../../services/channels/types';
import { ChannelError } from '../../../services/errors';
import type { Logger } from '../../../services/logging/logger';
import type { HeldMessages } from '../../../services/wechat-official/held-messages';
import type { OfficialSender } from '../../../services/wechat-official/official-sender';
import { templateRequired } from './wechat-window';

/** The Official Account API side of the channel: customer-service messages and templates. */
export interface OfficialChannel {
  sender: Pick<OfficialSender, 'sendText' | 'sendTemplate' | 'hasTemplate'>;
  held: Pick<HeldMessages, 'hold' | 'wentAsTemplate' | 'discard'>;
}

type Held = Parameters<OfficialChannel['held']['hold']>[0];

/** What is held for an outbox delivery while a template stands in for it; undefined without one. */
function heldMessageOf(openid: string, message: OutboundMessage): Held | undefined {
  const delivery = message.delivery;
  return (
    delivery && {
      contactId: openid,
      key: delivery.key,
      part: delivery.part,
      purpose: delivery.purpose,
      text: message.text,
      ...(message.language ? { language: message.language } : {}),
    }
  );
}

/**
 * Sends through the Official Account API: a customer-service message inside the window (and
 * when the platform says the window closed after all, a template), a template outside it. The
 * message a template stands in for is held until the owner answers (template-follow-up.ts);
 * the later parts of a split message follow their first part into the hold.
 */
export async function sendOfficially(
  official: OfficialChannel,
  log: Logger,
  openid: string,
  message: OutboundMessage,
  inWindow: boolean,
): Promise<SendResult> {
  const hold = heldMessageOf(openid, message);
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
      log.info(
        { purpose: message.delivery?.purpose },
        'WeChat says the 48-hour window closed; trying a template',
      );
    }
  }
  return sendAsTemplate(official, openid, message, hold);
}

/** The template send: held first, so the owner's answer finds the message; discarded when refused for good. */
async function sendAsTemplate(
  official: OfficialChannel,
  openid: string,
  message: OutboundMessage,
  hold: Held | undefined,
): Promise<SendResult> {
  const delivery = message.delivery;
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
