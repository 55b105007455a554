import type { Wechaty } from 'wechaty';
import type { SendResult } from '../../../services/channels/types';
import { ChannelError } from '../../../services/errors';

/**
 * Says `text` to a contact through the wechaty puppet. An unknown contact is refused (404,
 * not retried); a puppet failure is a network error, so the outbox retries it.
 */
export async function sayThroughPuppet(
  wechaty: Wechaty,
  contactId: string,
  text: string,
): Promise<SendResult> {
  const contact = await wechaty.Contact.find({ id: contactId });
  if (!contact) {
    throw new ChannelError('wechat_contact_not_found', 'No such WeChat contact', {
      kind: 'rejected',
      status: 404,
    });
  }
  try {
    await contact.say(text);
  } catch (error) {
    throw new ChannelError('wechat_send_failed', error instanceof Error ? error.message : String(error), {
      kind: 'network',
      cause: error,
    });
  }
  return {};
}
