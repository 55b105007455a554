import type { ChannelCapabilities, OutboundMessage } from './types';

const NUMBER_HINT = { zh: '请回复数字选择。', en: 'Reply with a number to choose.' } as const;

/**
 * The one place where channel limits shape a message: buttons become a numbered list on
 * channels without buttons (the number comes back as the button's action, see
 * `choiceFromNumber`), and text longer than the channel allows is split at paragraph,
 * line or word boundaries. Buttons stay on the last part.
 */
export function renderForChannel(
  message: OutboundMessage,
  capabilities: ChannelCapabilities,
): OutboundMessage[] {
  let text = message.text;
  let buttons = message.buttons;
  if (buttons && buttons.length > 0 && !capabilities.buttons) {
    const list = buttons.map((button, index) => `${index + 1}. ${button.label}`).join('\n');
    text = `${text}\n\n${list}\n${NUMBER_HINT[message.language ?? 'zh']}`;
    buttons = undefined;
  }
  const parts = splitText(text, capabilities.maxTextLength);
  return parts.map((part, index) => {
    const rendered: OutboundMessage = { text: part };
    if (message.language) rendered.language = message.language;
    if (index === 0 && message.replyToPlatformMessageId)
      rendered.replyToPlatformMessageId = message.replyToPlatformMessageId;
    if (index === parts.length - 1 && buttons && buttons.length > 0) rendered.buttons = buttons;
    return rendered;
  });
}

/** Splits text into parts of at most `limit` characters, preferring natural boundaries. */
export function splitText(text: string, limit: number): string[] {
  const chars = Array.from(text); // never split a surrogate pair (emoji)
  if (chars.length <= limit) return [text];
  const parts: string[] = [];
  let start = 0;
  while (start < chars.length) {
    let end = Math.min(start + limit, chars.length);
    if (end < chars.length) {
      const window = chars.slice(start, end).join('');
      const cut = Math.max(
        window.lastIndexOf('\n\n'),
        window.lastIndexOf('\n'),
        window.lastIndexOf('。'),
        window.lastIndexOf(' '),
      );
      // Only cut at a boundary in the second half; otherwise a hard cut wastes less.
      if (cut > limit / 2) end = start + Array.from(window.slice(0, cut + 1)).length;
    }
    const part = chars.slice(start, end).join('').trim();
    if (part.length > 0) parts.push(part);
    start = end;
  }
  return parts;
}

/**
 * Maps an owner's "2" (or "２", "2.", "第2个") to the second offered action, when choices
 * were offered; undefined when the text is not such an answer.
 */
export function choiceFromNumber(text: string, offeredActions: readonly string[]): string | undefined {
  const normalized = text.normalize('NFKC').trim();
  const match = /^(?:第\s*)?(\d{1,2})\s*(?:[.)、]|个|號|号)?$/.exec(normalized);
  if (!match) return undefined;
  const index = Number(match[1]) - 1;
  return offeredActions[index];
}
