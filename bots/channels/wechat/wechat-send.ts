import type { Wechaty } from 'wechaty';
import type { Address, OutboundMessage, SendResult } from '../../../services/channels/types';
import type { Clock } from '../../../services/clock';
import { ChannelError } from '../../../services/errors';
import type { Logger } from '../../../services/logging/logger';
import { sendOfficially, type OfficialChannel } from './wechat-official-send';
import { sayThroughPuppet } from './wechat-puppet-send';
import { inCustomerServiceWindow, templateRequired } from './wechat-window';

/** What a WeChat send needs: the puppet, the Official Account API when configured, and the owner's last message time. */
export interface WechatSendContext {
  wechaty: Wechaty;
  clock: Clock;
  log: Logger;
  lastInboundAt: (contactId: string) => Promise<Date | undefined>;
  official?: OfficialChannel;
  onUnreachable?: (contactId: string, reason: string) => Promise<unknown>;
}

/**
 * One send: through the Official Account API when configured, else through the puppet
 * within the 48-hour window only. A 403 from the API other than "template required" means
 * the owner cannot be reached, which is reported before the error is rethrown.
 */
export async function sendToWechat(
  ctx: WechatSendContext,
  address: Address,
  message: OutboundMessage,
): Promise<SendResult> {
  const inWindow = inCustomerServiceWindow(await ctx.lastInboundAt(address.conversationId), ctx.clock.now());
  if (!ctx.official) {
    if (!inWindow) throw templateRequired('no Official Account is configured (WECHAT_APP_ID)');
    return sayThroughPuppet(ctx.wechaty, address.conversationId, message.text);
  }
  try {
    return await sendOfficially(ctx.official, ctx.log, address.conversationId, message, inWindow);
  } catch (error) {
    if (error instanceof ChannelError && error.status === 403 && error.code !== 'wechat_template_required')
      await ctx.onUnreachable?.(address.conversationId, error.code);
    throw error;
  }
}
