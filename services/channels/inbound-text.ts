/** The longest owner message kept, on every channel (the web chat refuses longer ones). */
export const MAX_INBOUND_TEXT = 4000;

// Control characters other than tab and line breaks, and lone surrogates: nothing an owner
// types, but they break logs, CSV exports and some databases (a NUL ends a C string).
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Owner text as it is stored and handled, the same on every channel: Unicode-normalised (NFC),
 * control characters and broken surrogates removed, at most MAX_INBOUND_TEXT characters
 * (longer text, which only a forged update can carry, is cut with an ellipsis).
 */
export function cleanInboundText(text: string): string {
  const cleaned = text.replace(LONE_SURROGATE, '').replace(CONTROL, '').normalize('NFC');
  if (cleaned.length <= MAX_INBOUND_TEXT) return cleaned;
  return `${cleaned.slice(0, MAX_INBOUND_TEXT - 1)}…`;
}
