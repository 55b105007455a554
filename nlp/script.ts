/*
 * opencc-js ships its types as an ES module; its CommonJS build is what Node loads here, so it is
 * required with the one signature we use.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Converter } = require('opencc-js/t2cn') as {
  Converter(options: { from: string; to: string }): (text: string) => string;
};

/*
 * Traditional Chinese (Taiwan and Hong Kong forms) to Simplified, with OpenCC's phrase
 * dictionaries. Two passes: the Taiwan tables turn 著火 into 着火 and 裡 into 里, the Hong Kong
 * tables catch forms Taiwan does not use (衞, 綫). Only the Traditional-to-Simplified build is
 * loaded (about 0.1 MB, under 20 ms); Simplified text passes through unchanged.
 */
const fromTaiwan = Converter({ from: 'tw', to: 'cn' });
const fromHongKong = Converter({ from: 'hk', to: 'cn' });

const HAN = /\p{Script=Han}/u;

/** The two ways Chinese is written: Simplified (mainland, Singapore) and Traditional (HK, Macau, Taiwan). */
export type ChineseScript = 'Hans' | 'Hant';

/** The text with every Traditional character and phrase in its Simplified form; other text unchanged. */
export function toSimplified(text: string): string {
  if (!HAN.test(text)) return text;
  return fromHongKong(fromTaiwan(text));
}

/**
 * The script a message is written in: `Hant` when any of its characters or phrases has a
 * different Simplified form, `Hans` for other Chinese, undefined when it has no Han character.
 */
export function chineseScript(text: string): ChineseScript | undefined {
  if (!HAN.test(text)) return undefined;
  return toSimplified(text) === text ? 'Hans' : 'Hant';
}
