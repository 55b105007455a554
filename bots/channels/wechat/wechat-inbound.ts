import type { Message } from 'wechaty';
import { cleanInboundText } from '../../../services/channels/inbound-text';
import type { Attachment, InboundMessage } from '../../../services/channels/types';
import type { Clock } from '../../../services/clock';

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
 * A wechaty message in the core's terms, or undefined for what ownerbot does not handle:
 * our own messages, group chats, and messages with neither text nor an attachment.
 */
export function toInboundMessage(message: Message, clock: Clock): InboundMessage | undefined {
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
    receivedAt: clock.now(),
  };
}
