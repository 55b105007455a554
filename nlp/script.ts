/*
 * opencc-js ships its types as an ES module; its CommonJS build is what Node loads here, so it is
 * required with the one signature we use.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const opencc = require('opencc-js/t2cn') as {
  Converter(options: { from: string; to: string }): (text: string) => string;
  /** Dictionaries by locale: groups of "source target|source target|..." strings. */
  Locale: Record<'from' | 'to', Record<string, ReadonlyArray<ReadonlyArray<string>>>>;
};
const fromTaiwan = opencc.Converter({ from: 'tw', to: 'cn' });
const fromHongKong = opencc.Converter({ from: 'hk', to: 'cn' });

/**
 * The characters OpenCC's dictionaries rewrite on their own (樓, 煙, 著, 裡 ..., about 3,600,
 * read in a few ms). A message with none of them is Simplified already: the phrase rules only
 * rewrite around such a character (the converter changes none of the 4,300 corpus messages
 * that lack one), so most messages skip the converter.
 */
const TRADITIONAL = new Set<string>();
for (const groups of [opencc.Locale.to.cn, opencc.Locale.from.tw, opencc.Locale.from.hk]) {
  for (const dictionary of (groups ?? []).flat()) {
    for (const pair of dictionary.split('|')) {
      const [source = '', target] = pair.split(' ');
      if (source !== target && [...source].length === 1) TRADITIONAL.add(source);
    }
  }
}

const HAN = /\p{Script=Han}/u;

function hasTraditional(text: string): boolean {
  if (!HAN.test(text)) return false;
  for (const character of text) if (TRADITIONAL.has(character)) return true;
  return false;
}

/** The two ways Chinese is written: Simplified (mainland, Singapore) and Traditional (HK, Macau, Taiwan). */
export type ChineseScript = 'Hans' | 'Hant';

/** The last conversions: detection reads the message as written, normalization after NFKC. */
const recent = new Map<string, string>();
const RECENT_LIMIT = 4;

/** The text with every Traditional character and phrase in its Simplified form; other text unchanged. */
export function toSimplified(text: string): string {
  if (!hasTraditional(text)) return text;
  let simplified = recent.get(text);
  if (simplified === undefined) {
    simplified = fromHongKong(fromTaiwan(text));
    if (recent.size >= RECENT_LIMIT) recent.delete(recent.keys().next().value as string);
    recent.set(text, simplified);
  }
  return simplified;
}

/**
 * The script a message is written in: `Hant` when any of its characters or phrases has a
 * different Simplified form, `Hans` for other Chinese, undefined when it has no Han character.
 */
export function chineseScript(text: string): ChineseScript | undefined {
  if (!HAN.test(text)) return undefined;
  return hasTraditional(text) && toSimplified(text) !== text ? 'Hant' : 'Hans';
}
