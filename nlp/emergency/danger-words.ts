import { isTopicWord } from './guards';
import type { EmergencyKind } from './kinds';
import { canonicalize } from './spelling';

/*
 * Danger words: a message that names fire, smoke, gas, sparks, water pouring in, someone
 * trapped, blood, a fall or a fight is never answered with a routine or out-of-scope reply,
 * even when the detector reads it as a mention (a question "what if I smell gas?", a habit,
 * sarcasm). Far broader than the hazard patterns on purpose; the only words left out are
 * those naming a topic (gas bill, fire drill, 燃气费, 消防演练) or another meaning (发火,
 * 火锅, 抽烟, "fighting over the remote").
 */

const DANGER: ReadonlyArray<readonly [kind: EmergencyKind, pattern: RegExp]> = [
  ['fire', /\b(?:fire|fires|flames?|blaze|burning|burnt|smoke|smoky|smoking socket)\b/gu],
  [
    'fire',
    /(?<![发上恼窝怒心肝虚]|不着)火(?![车锅腿柴候速爆气星箭龙])(?!(?<=[太很最挺超]火)了)|(?<![抽吸香油二])烟(?![头花酒草盒感道囱])|焦味|烧焦/gu,
  ],
  ['gas', /\b(?:gas leak\w*|gas smell\w*|smell\w* (?:of )?gas|gas)\b/gu],
  ['gas', /煤气|燃气|天然气|液化气|漏气/gu],
  ['electrical', /\b(?:sparks?|sparking|electrocuted|electric shock|live wires?)\b/gu],
  ['electrical', /火花|漏电|触电|被电到/gu],
  ['flood', /\b(?:flood\w*|burst pipe|water (?:is )?(?:pouring|gushing|everywhere))\b/gu],
  ['flood', /淹|爆管|水管爆|漏水[^,.!?，。！？]{0,3}(?:严重|很大|好大)/gu],
  ['lift_entrapment', /\b(?:trapped|stuck inside)\b/gu],
  ['lift_entrapment', /被困|困在|困住|关在电梯/gu],
  ['medical', /\b(?:blood|bleeding|fell|fallen|collapsed|unconscious|fainted|ambulance|not breathing)\b/gu],
  ['medical', /血|摔倒|晕倒|昏|救护车|溺水|没有?呼吸/gu],
  [
    'violence',
    /\b(?:fight(?!\w*\s+(?:over|about|for|against)\b)\w*|knife|gun|stab\w*|attack\w*|assault\w*|threat\w*|kill|police)\b/gu,
  ],
  [
    'violence',
    /打架|打人(?!工)|砍(?!树|价)|刀(?=[^,.!?，。！？]{0,4}(?:人|追|威胁|砍|捅))|杀(?![虫毒菌价])|威胁|救命|抢劫|报警|警察/gu,
  ],
];

/** One test for every danger pattern: most messages name none and stop here. */
const ANY_DANGER = new RegExp(DANGER.map(([, pattern]) => `(?:${pattern.source})`).join('|'), 'u');

/** Words a gas or fire word may be followed by and still name a bill, a company or a drill. */
const ZH_TOPIC_NEAR =
  /^[^,.!?，。！？]{0,4}(?:费|账单|帐单|公司|开户|表|卡|灶|热水器|缴|交|充值|安检|价|演练|演习|培训)/u;

export interface DangerWords {
  /** The danger words of the message (normalized), each once, in the order found. */
  words: string[];
  /** The kind of hazard the first danger word points at. */
  kind: EmergencyKind | undefined;
}

/**
 * The danger words in a message, whether or not it reports an emergency: fire, smoke, gas,
 * sparks, flooding, trapped, blood, a fall, a fight, in Chinese (either script, Cantonese) or
 * English. Words that only name a topic (gas bill, 消防演练) do not count. Never throws.
 */
export function findDangerWords(message: string): DangerWords {
  const { text } = canonicalize(message);
  if (!ANY_DANGER.test(text)) return { words: [], kind: undefined };
  const words: string[] = [];
  let kind: EmergencyKind | undefined;
  for (const [wordKind, pattern] of DANGER) {
    pattern.lastIndex = 0;
    for (const match of text.matchAll(pattern)) {
      const start = match.index;
      const end = start + match[0].length;
      if (isTopicWord(text, start, end)) continue;
      if (/\p{Script=Han}/u.test(match[0]) && ZH_TOPIC_NEAR.test(text.slice(end))) continue;
      if (!words.includes(match[0])) words.push(match[0]);
      kind ??= wordKind;
    }
  }
  return { words, kind };
}
