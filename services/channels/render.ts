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

/**
 * Where a long text may be cut, best first: a paragraph break, a line break, the end of a
 * sentence, any space. `after` keeps the matched punctuation in the earlier part.
 */
const BOUNDARIES: ReadonlyArray<{ pattern: RegExp; after: boolean }> = [
  { pattern: /\n\s*\n/g, after: false },
  { pattern: /\n/g, after: false },
  { pattern: /[。！？；]|[.!?;](?=\s)/g, after: true },
  { pattern: /\s/g, after: false },
];

/**
 * Splits text into parts of at most `limit` characters (code points, so emoji stay whole),
 * cutting at the best natural boundary in the second half of each part, else hard.
 */
export function splitText(text: string, limit: number): string[] {
  const chars = Array.from(text);
  if (chars.length <= limit) return [text];
  const parts: string[] = [];
  let start = 0;
  while (start < chars.length) {
    while (start < chars.length && /\s/.test(chars[start] as string)) start++;
    let end = Math.min(start + limit, chars.length);
    if (end < chars.length) {
      // One character of lookahead shows whether the window ends right before a boundary.
      const window = chars.slice(start, end + 1).join('');
      const cut = bestCut(window, limit);
      if (cut !== undefined) end = start + cut;
    }
    const part = chars.slice(start, end).join('').trim();
    if (part.length > 0) parts.push(part);
    start = end;
  }
  return parts;
}

/** The cut position (in code points) of the best boundary within (limit/2, limit], if any. */
function bestCut(window: string, limit: number): number | undefined {
  for (const { pattern, after } of BOUNDARIES) {
    let best: number | undefined;
    for (const match of window.matchAll(pattern)) {
      const at = Array.from(window.slice(0, match.index + (after ? match[0].length : 0))).length;
      if (at > limit / 2 && at <= limit) best = at;
    }
    if (best !== undefined) return best;
  }
  return undefined;
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
