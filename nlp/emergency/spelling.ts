import { DamerauLevenshteinDistance, metaphone } from '../natural';
import { normalizeText } from '../normalize';
import { expandContractions } from '../tokenize';

/*
 * Misspelt hazard words mapped to their canonical spelling before the hazard patterns run:
 * edit distance plus Metaphone for English, a homophone table for Chinese.
 */

// ---------------------------------------------------------------- English typo tolerance

/** Canonical hazard words that misspellings are mapped back to. */
const HAZARD_WORDS = [
  'fire', 'flames', 'flame', 'smoke', 'smoking', 'smoky', 'burning', 'blaze', 'burnt', 'scorched',
  'gas', 'leak', 'leaking', 'leaked', 'smell', 'smells', 'smelling',
  'flood', 'flooding', 'flooded', 'floods', 'burst', 'pipe', 'pipes', 'pouring', 'gushing', 'spraying',
  'water', 'overflowing', 'ceiling',
  'lift', 'elevator', 'elevators', 'trapped', 'stuck',
  'sparks', 'spark', 'sparking', 'electric', 'electrical', 'electrocuted', 'shock', 'wires', 'socket',
  'outlet',
  'collapsed', 'unconscious', 'breathing', 'breathe', 'fainted', 'ambulance', 'bleeding', 'seizure',
  'heart', 'attack', 'choking', 'emergency', 'help', 'urgent', 'immediately',
]; // prettier-ignore
const HAZARD_SET = new Set(HAZARD_WORDS);

/**
 * Real words one edit away from a hazard word with a similar sound; never "corrected".
 * (floor/flood, fare/fire, smock/smoke ...)
 */
const NOT_TYPOS = new Set([
  'floor', 'floors', 'flour', 'float', 'flock', 'flow', 'flows', 'blood', 'food', 'fired', 'fires', 'fare',
  'fore', 'five', 'file', 'fine', 'fir', 'fur', 'smock', 'smoker', 'spoke', 'stoke', 'snake', 'lead',
  'leap', 'lean', 'leaks', 'peak', 'weak', 'week', 'smelt', 'spell', 'shell', 'swell', 'struck', 'stick',
  'stock', 'stack', 'snuck', 'tapped', 'trapper', 'wrapped', 'strapped', 'spare', 'spank', 'stark',
  'sparse', 'parks', 'lifts', 'left', 'life', 'lint', 'list', 'gap', 'gas', 'has', 'was', 'gases',
  'wafer', 'later', 'hater', 'eater', 'waiter', 'waters', 'wider', 'hearth', 'heard', 'hearty', 'hears',
  'burns', 'burst', 'bursts', 'burnt', 'pip', 'pipes', 'piped', 'wipe', 'ripe', 'pope', 'helps', 'held',
  'hell', 'hello', 'heap', 'shook', 'shocks', 'shack', 'check', 'chock', 'rocket', 'pocket', 'sockets',
  'attach', 'attic', 'flames', 'flamed', 'frame', 'blame', 'blamed', 'smelly', 'bleed', 'breed', 'breeding',
  'breath', 'breather', 'bathing', 'pouting', 'touring', 'pouring', 'sparkling', 'walter', 'smells',
  'flooring', 'floored', 'trapping', 'stuff', 'stun', 'outlets', 'emergence', 'electricity', 'electric',
  'checking', 'checked', 'checkin', 'chicken', 'chucking', 'cooking', 'looking', 'locking', 'joking',
  'tripped', 'tripping', 'dripped', 'dripping', 'slipped', 'flipped', 'clipped', 'shipped', 'chipped',
]); // prettier-ignore

const typoCache = new Map<string, string>();
const TYPO_CACHE_LIMIT = 20_000;
const metaphoneKeys = new Map(HAZARD_WORDS.map((word) => [word, metaphone.process(word)]));

/** Maps a word to the hazard word it misspells, or returns it unchanged. */
export function correctHazardWord(word: string): string {
  if (word.length < 4 || HAZARD_SET.has(word) || NOT_TYPOS.has(word)) return word;
  const cached = typoCache.get(word);
  if (cached !== undefined) return cached;
  let best = word;
  let bestDistance = Infinity;
  const key = metaphone.process(word);
  for (const candidate of HAZARD_WORDS) {
    if (candidate[0] !== word[0] || Math.abs(candidate.length - word.length) > 2) continue;
    const distance = DamerauLevenshteinDistance(word, candidate, {});
    const soundsAlike = metaphoneKeys.get(candidate) === key;
    // One edit is a typo when the word is long enough to be unambiguous or sounds the same;
    // two edits only for long words that also sound the same ("elevater", "unconcious").
    const accepted =
      (distance === 1 && (word.length >= 6 || soundsAlike)) ||
      (distance === 2 && word.length >= 7 && soundsAlike);
    if (accepted && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (typoCache.size >= TYPO_CACHE_LIMIT) typoCache.clear();
  typoCache.set(word, best);
  return best;
}

/** Explicit misspellings too short or too far for the rule above. */
const ENGLISH_SPELLINGS: Readonly<Record<string, string>> = {
  fier: 'fire', fiar: 'fire', fyre: 'fire', smok: 'smoke', smoak: 'smoke', smoek: 'smoke', gass: 'gas',
  gaz: 'gas', lfit: 'lift', lif: 'lift', elevtor: 'elevator', elavator: 'elevator', elevater: 'elevator',
  elivator: 'elevator', elevador: 'elevator', lekage: 'leak', leek: 'leak', leeking: 'leaking',
  flud: 'flood', fludding: 'flooding', stuk: 'stuck', trappd: 'trapped', traped: 'trapped', trapt: 'trapped',
  sparcks: 'sparks', sparx: 'sparks', colapsed: 'collapsed', collasped: 'collapsed', fainting: 'fainted',
  unconcious: 'unconscious', breating: 'breathing', breathin: 'breathing', amblance: 'ambulance',
  ambulence: 'ambulance', emergancy: 'emergency', emergecy: 'emergency', plz: 'please', pls: 'please',
  halp: 'help', hlep: 'help', asap: 'immediately',
}; // prettier-ignore

// ---------------------------------------------------------------- Chinese typo tolerance

/*
 * Homophones and look-alikes that pinyin and handwriting input put in place of the
 * characters of hazard words. Every replacement keeps the length, so a match in the
 * canonical text points at the same characters of the message.
 */
const CHINESE_SPELLINGS: ReadonlyArray<[RegExp, string]> = [
  [/电[悌题弟递剃体锑]/g, '电梯'],
  [/[点店甸]梯/g, '电梯'],
  [/[媒霉梅眉没]气(?=[^温]|$)/g, '煤气'],
  [/煤[汽器弃]/g, '煤气'],
  [/燃[汽器弃]/g, '燃气'],
  [/(?<![虽既显果当突仍依居自忽竟固偶毅断悍井公安坦必俨黯怡欣泰徒枉茫默全天])然气/g, '燃气'],
  [/天然[汽器]/g, '天然气'],
  [/着[伙货或]/g, '着火'],
  [/[起启]伙/g, '起火'],
  [/[伙货]灾/g, '火灾'],
  [/火[宰栽]/g, '火灾'],
  [/冒[眼淹焉燕]/g, '冒烟'],
  [/露气/g, '漏气'],
  [/漏[汽器]/g, '漏气'],
  [/露电(?!梯)/g, '漏电'],
  [/[处出]电(?=了|身亡)/g, '触电'],
  [/[伙货]花/g, '火花'],
  [/被[捆睏因]/g, '被困'],
  [/[捆睏]在/g, '困在'],
  [/[运云晕]到/g, '晕倒'],
  [/[运云]倒/g, '晕倒'],
  [/昏到/g, '昏倒'],
  [/摔到(?=了|在|地)/g, '摔倒'],
  [/[就旧]命/g, '救命'],
  [/[掩腌]水/g, '淹水'],
  [/[报暴]管/g, '爆管'],
  [/水管[报暴]/g, '水管爆'],
];

// ---------------------------------------------------------------- canonical text

/** A message as the hazard patterns read it, with the way back to the words the owner wrote. */
export interface Canonical {
  /** The normalized message with misspellings corrected. */
  text: string;
  /** For each character of `text`, where it starts in `source`. */
  origin: number[];
  /** The normalized message with contractions expanded (what evidence is cut from). */
  source: string;
}

const WORD = /\p{Script=Latin}+/gu;

/** The normalized message with misspellings corrected, and where each character came from. */
export function canonicalize(message: string): Canonical {
  // The detector and the danger-word finder read the same message one after the other.
  if (message === lastMessage && lastCanonical) return lastCanonical;
  lastCanonical = canonicalText(message);
  lastMessage = message;
  return lastCanonical;
}

let lastMessage = '';
let lastCanonical: Canonical | undefined;

function canonicalText(message: string): Canonical {
  const source = expandContractions(normalizeText(message));
  // The Chinese replacements keep lengths, so indices into `spelled` are indices into `source`.
  let spelled = source;
  if (/\p{Script=Han}/u.test(spelled)) {
    for (const [pattern, replacement] of CHINESE_SPELLINGS) spelled = spelled.replace(pattern, replacement);
  }
  let text = '';
  const origin: number[] = [];
  let last = 0;
  const copy = (from: number, to: number): void => {
    for (let i = from; i < to; i++) origin.push(i);
    text += spelled.slice(from, to);
  };
  for (const match of spelled.matchAll(WORD)) {
    const word = match[0];
    const start = match.index;
    copy(last, start);
    const corrected = ENGLISH_SPELLINGS[word] ?? correctHazardWord(word);
    if (corrected === word) {
      copy(start, start + word.length);
    } else {
      for (let i = 0; i < corrected.length; i++) origin.push(start + Math.min(i, word.length - 1));
      text += corrected;
    }
    last = start + word.length;
  }
  copy(last, source.length);
  return { text, origin, source };
}
