import type { Wechaty } from 'wechaty';
import type { Address, ChannelAdapter, OutboundMessage } from '../../../services/channels/types';
import type { Clock } from '../../../services/clock';
import type { Logger } from '../../../services/logging/logger';
import { listenToWechaty } from './wechat-events';
import { toInboundMessage } from './wechat-inbound';
import type { OfficialChannel } from './wechat-official-send';
import { sendToWechat } from './wechat-send';

export { CUSTOMER_SERVICE_WINDOW_MS } from './wechat-window';
export type { OfficialChannel } from './wechat-official-send';

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

  const adapter: ChannelAdapter = {
    name: 'wechat',
    capabilities: { buttons: false, threads: false, markup: false, maxTextLength: 2000 },
    async start(onMessage) {
      listenToWechaty(wechaty, log, {
        qrCode: (qrcode) => {
          latestQrCode = qrcode;
          deps.onQrCode?.(qrcode);
        },
        loggedIn: () => {
          latestQrCode = '';
        },
        message: (message) => {
          const inbound = toInboundMessage(message, deps.clock);
          return inbound && onMessage(inbound);
        },
      });
      await wechaty.start();
    },
    async stop() {
      await wechaty.stop();
    },
    send: (address: Address, message: OutboundMessage) => sendToWechat({ ...deps, log }, address, message),
  };

  return {
    adapter,
    get latestQrCode() {
      return latestQrCode;
    },
  };
}
