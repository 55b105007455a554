import type { ChineseScript } from '../../nlp';
import type { OutboundMessage } from '../channels/types';

/*
 * Replies in the script the owner writes: catalog texts are written once, in Simplified
 * Chinese, and converted for an owner who writes Traditional characters. OpenCC's
 * Simplified-to-Traditional build (Hong Kong standard) is about 1 MB and takes a quarter of a
 * second to load, so it is loaded on the first Traditional reply, not at start-up.
 */
type Convert = (text: string) => string;
let toHongKong: Convert | undefined;

function converter(): Convert {
  if (!toHongKong) {
    // opencc-js ships its types as an ES module; Node loads its CommonJS build here.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Converter } = require('opencc-js/cn2t') as {
      Converter(o: { from: string; to: string }): Convert;
    };
    toHongKong = Converter({ from: 'cn', to: 'hk' });
  }
  return toHongKong;
}

/**
 * The text as an owner writing in `script` reads it: Traditional characters for `Hant`,
 * unchanged otherwise (Simplified, English, placeholders, numbers and emoji are kept).
 */
export function inOwnerScript(text: string, script: ChineseScript | undefined): string {
  if (script !== 'Hant' || !/\p{Script=Han}/u.test(text)) return text;
  return converter()(text);
}

/** An owner-bound message in the owner's script: its text and button labels; English stays as is. */
export function outboundInScript(
  message: OutboundMessage,
  script: ChineseScript | undefined,
): OutboundMessage {
  if (script !== 'Hant' || message.language === 'en') return message;
  const rendered: OutboundMessage = { ...message, text: inOwnerScript(message.text, script) };
  if (message.buttons) {
    rendered.buttons = message.buttons.map((button) => ({
      ...button,
      label: inOwnerScript(button.label, script),
    }));
  }
  return rendered;
}
