import type { Message, Wechaty } from 'wechaty';
import type { Logger } from '../../../services/logging/logger';

/** What the channel does with the puppet's events; the logging is done here. */
export interface WechatyListeners {
  qrCode: (qrcode: string) => void;
  loggedIn: () => void;
  message: (message: Message) => Promise<unknown> | undefined;
}

/**
 * Subscribes to the puppet's login and message events. A message that fails to store is
 * logged and dropped from this path (one failing message never stops the bot).
 */
export function listenToWechaty(wechaty: Wechaty, log: Logger, on: WechatyListeners): void {
  wechaty.on('scan', (qrcode: string) => {
    // The QR code is what staff scan to log the account in: it belongs in the log.
    log.info({ qrcode }, 'WeChat login: scan this QR code (also shown at /desk)');
    on.qrCode(qrcode);
  });
  wechaty.on('login', (user) => {
    on.loggedIn();
    log.info({ account: user.name() }, 'WeChat logged in');
  });
  wechaty.on('logout', () => log.warn('WeChat logged out; scan the new QR code to log in again'));
  wechaty.on('message', (message: Message) => {
    on.message(message)?.catch((error: unknown) =>
      log.error({ err: error }, 'A WeChat message could not be stored'),
    );
  });
  wechaty.on('error', (error) => log.error({ err: error }, 'WeChat puppet error'));
}
