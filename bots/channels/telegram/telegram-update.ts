import { z } from 'zod';
import type { Attachment, InboundMessage } from '../../../services/channels/types';
import { cleanInboundText } from '../../../services/channels/inbound-text';
import type { Clock } from '../../../services/clock';

const user = z.object({
  id: z.number().int(),
  is_bot: z.boolean().optional(),
  first_name: z.string().max(256).optional(),
  last_name: z.string().max(256).optional(),
  username: z.string().max(256).optional(),
});
const chat = z.object({ id: z.number().int(), type: z.string().max(32) });
const fileRef = z.object({ file_id: z.string().min(1).max(512), file_name: z.string().max(512).optional() });

const message = z.object({
  message_id: z.number().int(),
  date: z.number().int().nonnegative(),
  edit_date: z.number().int().nonnegative().optional(),
  chat,
  from: user.optional(),
  text: z.string().optional(),
  caption: z.string().optional(),
  photo: z.array(fileRef).max(20).optional(),
  document: fileRef.optional(),
  voice: fileRef.optional(),
  video: fileRef.optional(),
  sticker: fileRef.optional(),
  location: z.object({ latitude: z.number(), longitude: z.number() }).optional(),
});

/**
 * The parts of a Telegram update ownerbot reads, checked: a signed update whose fields have
 * the wrong types (text as an object, a date as a word, a button press without its sender)
 * is refused instead of reaching the core. Fields ownerbot does not read are not checked.
 */
export const telegramUpdateSchema = z.object({
  update_id: z.number().int(),
  message: message.optional(),
  edited_message: message.optional(),
  callback_query: z
    .object({
      id: z.string().min(1).max(128),
      from: user,
      data: z.string().max(64).optional(),
      message: z.object({ message_id: z.number().int(), chat }).optional(),
    })
    .optional(),
});

export type TelegramUpdate = z.infer<typeof telegramUpdateSchema>;

/** A checked update, or the reason it is refused (for a 400 and the log). */
export function parseTelegramUpdate(body: unknown): { update: TelegramUpdate } | { problem: string } {
  const parsed = telegramUpdateSchema.safeParse(body);
  if (parsed.success) return { update: parsed.data };
  const issue = parsed.error.issues[0];
  return { problem: `${issue?.path.join('.') || 'update'}: ${issue?.message ?? 'invalid'}` };
}

/**
 * Turns a checked update into the core's message, or undefined for what ownerbot does not
 * handle. Choices (docs/channels.md): only private chats are served (group messages are
 * ignored, the bot is not a group member of record); an edited message counts as a new
 * message from the owner (their correction of what they wrote), keyed by its edit time.
 */
export function toInboundMessage(update: TelegramUpdate, clock: Clock): InboundMessage | undefined {
  if (update.callback_query) {
    const query = update.callback_query;
    const queryChat = query.message?.chat;
    if (!queryChat || queryChat.type !== 'private' || !query.data) return undefined;
    return {
      channel: 'telegram',
      platformMessageId: `cb:${query.id}`,
      conversationId: String(queryChat.id),
      sender: { id: String(query.from.id), displayName: displayName(query.from) },
      text: '',
      action: query.data,
      attachments: [],
      receivedAt: clock.now(),
    };
  }
  const edited = update.edited_message;
  const received = update.message ?? edited;
  if (!received || received.chat.type !== 'private' || !received.from || received.from.is_bot)
    return undefined;
  const attachments = attachmentsOf(received);
  const text = cleanInboundText(received.text ?? received.caption ?? '');
  if (text === '' && attachments.length === 0) return undefined; // service messages, polls, contacts...
  return {
    channel: 'telegram',
    platformMessageId: edited
      ? `${received.chat.id}:${received.message_id}:e${edited.edit_date ?? 0}`
      : `${received.chat.id}:${received.message_id}`,
    conversationId: String(received.chat.id),
    sender: { id: String(received.from.id), displayName: displayName(received.from) },
    text,
    attachments,
    receivedAt: new Date(received.date * 1000),
  };
}

function attachmentsOf(received: z.infer<typeof message>): Attachment[] {
  const attachments: Attachment[] = [];
  const largest = received.photo?.[received.photo.length - 1];
  if (largest) attachments.push({ kind: 'photo', reference: largest.file_id });
  if (received.document)
    attachments.push({
      kind: 'document',
      reference: received.document.file_id,
      name: received.document.file_name ?? '',
    });
  if (received.voice) attachments.push({ kind: 'voice', reference: received.voice.file_id });
  if (received.video) attachments.push({ kind: 'video', reference: received.video.file_id });
  if (received.sticker) attachments.push({ kind: 'sticker', reference: received.sticker.file_id });
  if (received.location)
    attachments.push({
      kind: 'location',
      reference: `${received.location.latitude},${received.location.longitude}`,
    });
  return attachments;
}

function displayName(from: z.infer<typeof user>): string {
  return cleanInboundText(
    [from.first_name, from.last_name].filter(Boolean).join(' ') || from.username || '',
  ).slice(0, 128);
}
