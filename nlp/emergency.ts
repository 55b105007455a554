import { DamerauLevenshteinDistance, metaphone } from './natural';
import { normalizeText } from './normalize';
import { expandContractions } from './tokenize';

/** The emergencies ownerbot escalates at once, whatever the classifier thinks. */
export type EmergencyKind = 'fire' | 'gas' | 'flood' | 'lift_entrapment' | 'electrical' | 'medical';

/** What the detector found: the kind and the words of the message that show it. */
export interface Emergency {
  kind: EmergencyKind;
  /** The matched words as the owner wrote them (normalized), e.g. "smoek coming out". */
  evidence: string;
}

/*
 * How it works. The message is normalized, English contractions are expanded and misspelt
 * hazard words are mapped to their canonical spelling (edit distance plus Metaphone for
 * English, a homophone table for Chinese, see canonicalize()). Hazard patterns then run on
 * that canonical text, and each hit is checked against guards that make it a mention rather
 * than an event: a compound noun (fire drill, 燃气费), a condition (if ..., 如果 ...), a
 * question about a procedure, a negation (no smoke), or a past event with nothing current.
 * Patterns are deliberately broad (recall first); guards carry the precision.
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

interface Canonical {
  /** The normalized message with misspellings corrected. */
  text: string;
  /** For each character of `text`, where it starts in `source`. */
  origin: number[];
  /** The normalized message with contractions expanded (what evidence is cut from). */
  source: string;
}

const WORD = /\p{Script=Latin}+/gu;

function canonicalize(message: string): Canonical {
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

// ---------------------------------------------------------------- hazard patterns

interface HazardRule {
  kind: EmergencyKind;
  pattern: RegExp;
}

/** Up to three words in between ("smoke is coming out", "trapped inside the old lift"). */
const GAP = String.raw`(?:\s+\S+){0,3}?\s+`;
const PERSON = String.raw`(?:i|we|he|she|they|someone|somebody|people|person|man|woman|lady|guy|kids?|child(?:ren)?|baby|son|daughter|mom|mum|mother|dad|father|grand(?:ma|pa|mother|father)|wife|husband|neighbou?r|resident|worker|cleaner|guard|elderly|old (?:man|woman|lady)|my \w+|\d+ people)`;
const LIFT = String.raw`(?:lift|elevator|elevators|lifts)`;

function rule(kind: EmergencyKind, source: string): HazardRule {
  return { kind, pattern: new RegExp(source, 'gu') };
}

/**
 * Ordered: the first kind whose pattern survives the guards wins, so more specific kinds
 * (a sparking socket is electrical, not fire; someone trapped in a lift is not "stuck") come first.
 */
const HAZARDS: readonly HazardRule[] = [
  // Lift entrapment: a person and a lift, with trapped/stuck between them.
  rule(
    'lift_entrapment',
    String.raw`\b(?:trapped|stuck|locked|shut|caught)${GAP}(?:in|inside|within)${GAP.replace('{0,3}', '{0,2}')}${LIFT}\b`,
  ),
  rule('lift_entrapment', String.raw`\b(?:trapped|stuck|locked)\s+in\s+${LIFT}\b`),
  rule('lift_entrapment', String.raw`\b${LIFT}\s+(?:is\s+)?stuck\b.{0,30}(?:\binside\b|有人|里面)`),
  rule(
    'lift_entrapment',
    String.raw`\b${PERSON}(?:\s+\S+){0,4}?\s+(?:is|are|am|got|been|was|were|get)?\s*(?:trapped|stuck|locked in)\b(?!\s+with\b).{0,40}\b${LIFT}\b`,
  ),
  rule(
    'lift_entrapment',
    String.raw`\b${LIFT}\b.{0,50}\b(?:${PERSON}|someone|people|anyone|somebody)\s+(?:is\s+|are\s+|am\s+|still\s+)*(?:trapped|stuck|inside|in it|in there)\b(?!\s+with\b)`,
  ),
  rule(
    'lift_entrapment',
    String.raw`\b(?:can not|unable to|could not)\s+get\s+out\s+of\s+(?:the\s+|this\s+|a\s+)?${LIFT}\b`,
  ),
  rule(
    'lift_entrapment',
    String.raw`\b${LIFT}\b.{0,40}\b(?:with|has)\s+(?:${PERSON}|people|someone|passengers?)\s+(?:inside|in it|trapped|stuck)`,
  ),
  rule(
    'lift_entrapment',
    String.raw`(?:困在|关在|卡在|被困在?|被关在|锁在)[^，。,.!?]{0,6}电梯|电梯[^，。,.!?]{0,8}(?:被困|困住|困人|关人|有人被?困|有人出不来|里有人(?!吐|抽烟|乱|尿|小便|拉|随地)|里面有人|人出不来|出不来)|困电梯|电梯困|电梯.{0,15}(?:里面有人|有人在里面|人在里面|困在里面|关在里面|我在里面|我们在里面|孩子在里面|老人在里面)|电梯[^。!?]{0,20}(?:卡住|停住|停了|坏了|掉|不动|打不开|开不了|stuck)[^。!?]{0,12}(?:里面?有(?:人|小孩|孩子|老人|宝宝|老太太)|在里面)`,
  ),

  // Electrical before fire: sparks and smoking sockets are electrical.
  rule('electrical', String.raw`\b(?:sparks?|sparking|sparked|arcing)\b`),
  rule(
    'electrical',
    String.raw`\b(?:water|leak\w*|dripping)\b.{0,30}\b(?:onto|into|on|over)\s+(?:the\s+|my\s+)?(?:electric(?:al)?\s+|power\s+)?(?:panel|socket|outlet|fuse\s?box|meter box|breaker|wiring|switchboard)\b`,
  ),
  rule(
    'electrical',
    String.raw`\b(?:electrocuted|electric(?:al)?\s+shocks?|(?:got|get|getting)\s+(?:an?\s+)?(?:electric\s+)?shock(?:ed)?\s+(?:from|by|off|touching|when (?:i\s+)?touch\w*)|shocked\s+by\s+(?:the\s+|a\s+|my\s+)?(?:socket|outlet|switch|wire|wiring|cable|plug|light|lamp|appliance|panel|door handle|railing|metal|water heater|heater)|live\s+wires?|exposed\s+(?:live\s+)?wir(?:es?|ing))\b`,
  ),
  rule(
    'electrical',
    String.raw`\b(?:socket|outlet|plug|switch|wires?|wiring|cables?|fuse\s?box|breaker\s+box|panel|meter\s+box|distribution\s+box|power\s+box)\b(?:\s+\S+){0,6}?\s+(?:smoking|smoke|burning|melting|melted|on fire|sizzling|buzzing and smoking)\b`,
  ),
  rule(
    'electrical',
    String.raw`\b(?:smoke|burning smell|smell of burning|flames?)\b(?:\s+\S+){0,4}?\s+(?:from|out of)\s+(?:the\s+|a\s+|my\s+)?(?:socket|outlet|plug|switch|wires?|wiring|fuse\s?box|breaker|panel|meter box)\b`,
  ),
  rule(
    'electrical',
    String.raw`(?:冒火花|电火花|打火花|火花四溅|闪火花|冒火星|漏电|触电|电到人|被电到|被电了|电线[^，。,.]{0,4}(?:冒烟|着火|烧|起火|裸露|冒火|短路)|(?:插座|插头|开关|电箱|配电箱|电表箱|电闸|电线|电缆)[^，。,.]{0,4}(?:冒烟|着火|烧焦|烧起来|起火|冒火|炸了|爆了|熔化|发烫冒烟)|短路[^，。,.]{0,4}(?:冒烟|起火|着火)|(?:插座|插头|开关|电箱|电线|电闸)[^，。,.]{0,6}打火|漏[^，。,.]{0,4}(?:电箱|配电箱|电表箱|插座|电闸)上?)`,
  ),

  // Gas: a gas word with a leak or smell word, or the smell itself.
  rule(
    'gas',
    String.raw`\b(?:gas|natural gas|lpg)\b(?:\s+\S+){0,3}?\s+(?:leak\w*|smell\w*|odou?rs?|hissing|escaping)\b`,
  ),
  rule('gas', String.raw`\b(?:leak\w*|smell\w*|stinks? of|reeks? of|odou?r of)\s+(?:\w+\s+){0,2}?gas\b`),
  rule('gas', String.raw`\b(?:rotten eggs? smell|smell\w* (?:like|of) rotten eggs?)\b`),
  rule(
    'gas',
    String.raw`\bgas\s+(?:pipe|line|valve|hose|tank|cylinder|bottle|main)s?\b.{0,40}\b(?:leak\w*|burst|hissing|escaping)\b`,
  ),
  rule(
    'gas',
    String.raw`(?:煤气|燃气|天然气|液化气|瓦斯)[^，。,.!?]{0,6}(?:泄漏|泄露|漏了|漏气|在漏|有漏|味|臭|嘶嘶)|(?:闻到|有股|一股|好大的?|很大的?|浓浓的?|很浓的?)[^，。,.!?]{0,4}(?:煤气|燃气|天然气|液化气)|漏气|臭鸡蛋味`,
  ),

  // Fire.
  rule(
    'fire',
    String.raw`\b(?:on fire|caught fire|catch(?:ing)? fire|set fire|fire (?:in|at|on|inside|broke|is|started|spreading|outside)|a fire|the fire\b(?!\s+(?:safety|drill|training|door|exit|alarm|extinguisher|inspection|escape|hydrant|equipment|lane|code|brigade access))|flames?|blaze|ablaze|burning smell|(?:something|it|kitchen|flat|apartment|unit|house|room|car|building|bins?|rubbish|trash|garbage|wires?|cables?|stove|curtains?|sofa|fence|tree|grass|balcony|roof)\s+(?:is\s+|are\s+)?burning|smoke (?:is |was )?(?:coming|pouring|billowing|filling|everywhere|from|in|out|inside|all over|in the)|(?:full of|thick|black|heavy|lots of|a lot of|so much) smoke|smoke-filled|smoky|scorched)\b`,
  ),
  rule(
    'fire',
    String.raw`\bsmell(?:s|ing)?\s+(?:of\s+|like\s+)?(?:\w+\s+)?(?:burning|smoke)\b|\b(?:there is|there are|i see|i can see|see|seeing|some|lots of|smell of|smell) (?:\w+ )?smoke\b|\bfire\b`,
  ),
  rule(
    'fire',
    String.raw`\b(?:fire|smoke) alarms?\b(?:\s+\S+){0,3}?\s+(?:going off|is ringing|are ringing|sounding|went off)\b.{0,60}\b(?:smoke|smell|burning|flames?)\b`,
  ),
  rule(
    'fire',
    String.raw`着火|起火|失火|火灾|火警|烧起来|烧着了|冒烟|冒火|窜火|自燃|焦糊味|浓烟|黑烟|烟雾|有烟|大火|火苗|明火|火光|焦味|烧焦|烟味|火势|一股烟|满屋子?烟|烟很大|好大的?烟`,
  ),

  // Flood.
  rule(
    'flood',
    String.raw`\b(?:flood(?!\s*lights?|\s*lamps?)\w*|burst(?:ing)?\s+(?:water\s+)?(?:pipe|main|hose)s?|pipes?\s+(?:has\s+|have\s+|just\s+)?(?:burst|exploded|broke open|split)|water\s+(?:is\s+|keeps\s+)?(?:pouring|gushing|spraying|spurting|flooding|rushing|streaming|everywhere|coming through the ceiling|all over)|(?:ankle|knee)[- ]deep|inches of water|under water|submerged|water main|(?:toilet|bath|bathtub|tub|sink|drain|sewage|sewer|water tank|tank|pipe|manhole|basin)s?\s+(?:is\s+|are\s+|keeps?\s+)?overflowing|overflowing\s+(?:toilet|sewage|water|drain))\b`,
  ),
  rule(
    'flood',
    String.raw`(?:爆管|水管[^，。,.]{0,3}(?:爆|裂开|崩|炸|断了)|管道[^，。,.]{0,3}(?:爆|裂开)|水漫|漫水|淹了|被淹|水淹|淹水|发大水|进水[^，。,.]{0,4}(?:很深|到处|满地|淹)|满地(?:都是)?水|到处都是水|(?<!(?:马桶|水龙头|龙头|水箱)[^，。,.]{0,4})水[^，。,.]{0,4}(?:喷|涌|狂流|哗哗|漫出|往外冒|冒出来|流个不停|止不住|停不下来)|大量(?:的)?水|水(?!泥)[^，。,.]{0,6}(?:满地|到处)|(?:车库|地下室|家里|屋里|房间|电梯井|配电房|客厅|卧室)[^，。,.]{0,2}进水|跑水|灌水|往下灌|全是水|管子[^，。,.]{0,2}(?:爆|裂)|漏水[^，。,.]{0,3}(?:好|很|特别|非常|太)严重|水(?:已经|都|快)?(?:没过|淹到|漫到|灌进)|积水[^，。,.]{0,3}(?:很深|齐|没过|淹))`,
  ),

  // Medical.
  rule(
    'medical',
    String.raw`(?<!\b(?:ceiling|roof|wall|fence|shelf|shelves|tent|floor|stairs|structure|scaffolding|tree|bridge|building|road|ground|pavement|sofa|bed|chair|table|cabinet|cupboard|market|price|prices|deal|plan|talks|system|network|website|app)(?:\s+\S+){0,2}\s+)\b(?:collapsed|fainted|passed out|is unconscious|unconscious|not breathing|(?:can not|can't|cannot|could not|unable to) breathe|stopped breathing|having (?:a )?(?:heart attack|stroke|seizure|fit)|heart attack|seizure|convuls\w+|choking|overdos\w+|bleeding (?:heavily|badly|a lot|profusely|everywhere)|lots of blood|(?:fell|fallen)\b.{0,30}\b(?:can not|cannot|unable to) get up|unresponsive)\b|\b${PERSON}\s+(?:is\s+|are\s+)?(?:not moving|not responding|unresponsive)\b`,
  ),
  rule('medical', String.raw`\b(?:call|need|get|send)\s+(?:an?\s+)?ambulance\b`),
  rule(
    'medical',
    String.raw`(?:晕倒|昏倒|昏迷|不省人事|晕过去|昏过去|休克|倒地|倒在地上|突然倒下|没有?呼吸|没气了|呼吸困难|喘不上气|喘不过气|心脏病|心梗|心绞痛|中风|抽搐|抽筋倒地|口吐白沫|大出血|流了?(?:很多|好多|好些|大量的?)血|血流不止|流血不止|摔倒[^，。,.]{0,4}(?:起不来|爬不起来|不能动|动不了)|摔[^，。,.]{0,3}起不来|叫救护车|打120|快叫120|(?:人|他|她|老人|孩子|小孩|病人|老太太|老大爷|老爷爷|老奶奶)[^，。,.]{0,4}没有?反应|叫不醒|噎住|流血|出血|倒在(?:地上|楼梯|电梯|大堂|门口|路边|走廊|楼道|小区|家里|卫生间|浴室))`,
  ),

  // Phrasings from the second corpus batch (owners write these; the rules above missed them).
  rule(
    'lift_entrapment',
    String.raw`\b${LIFT}\b.{0,40}\b(?:stuck|stopped|stop|dropped)\b.{0,40}\b(?:inside|in it|in there)\b|\b(?:i am|i'm|im|we are|we're)\s+(?:in|inside)\s+(?:the\s+|a\s+)?${LIFT}\b.{0,30}\bstuck\b`,
  ),
  rule(
    'lift_entrapment',
    String.raw`(?:困了(?:个|一个|人)|(?:卡|困|关)(?:在)?电梯里|停在两层中间|停在[^，。]{0,4}中间出不去)`,
  ),
  rule(
    'electrical',
    String.raw`\b(?:smoking|melting|melted|sparking|burning)\s+(?:socket|outlet|plug|switch|power strip|extension|wires?)\b|\b(?:melted|melting)\b.{0,20}\bsmoking\b|\bwires?\s+(?:is\s+|are\s+)?exposed\b|\b(?:got|get|getting)\s+shocked\b`,
  ),
  rule(
    'electrical',
    String.raw`(?:电表箱|配电箱|电表|电箱)[^，。,.]{0,6}(?:打火|冒火|噼里啪啦)|电线[^，。,.]{0,8}(?:带电|掉地上|滋滋)|电线露在外面|电线外露`,
  ),
  rule(
    'gas',
    String.raw`(?:燃气|煤气)报警器[^，。,.]{0,6}(?:叫|响)|(?:煤气|燃气)没关|像煤气|(?:灶|燃气|煤气)[^，。,.]{0,10}(?:冒气|呲呲)`,
  ),
  rule('fire', String.raw`烧糊|糊味`),
  rule(
    'flood',
    String.raw`哗哗往下|往下冲|漏得跟下雨|天花板[^，。,.]{0,4}鼓|(?:暖气|热水|消防)?水?管[^，。,.]{0,2}爆了`,
  ),
  rule(
    'medical',
    String.raw`\b(?:lying|fell|fallen|collapsed)\b.{0,50}\bnot moving\b|\bbleeding from\s+(?:his|her|the|their)\s+head\b|\bfell down the stairs\b.{0,30}\bbleeding\b`,
  ),
  rule('medical', String.raw`溺水|一动不动|不像在喘气|没在喘气`),
];

// ---------------------------------------------------------------- guards

/** Compound nouns where a hazard word names a topic, not an event (checked right at the hit). */
const COMPOUNDS_AFTER =
  /^[\s-]*(?:safety|drills?|training|door|doors|exits?|extinguishers?|inspections?|escape|hydrants?|equipment|lanes?|codes?|insurance|certificates?|regulations?|rules?|brigade access|works|places?|wood|fighters?|blankets?|pits?|proof|resistant|retardant|rated|department|brigade|services?|stations?|hazards?|risks?|alarms?(?!\s+(?:is|are|keeps?|went|going)\b.{0,40}\b(?:smoke|smell|burning|flames?)\b)|lobby|lobbies|hall|buttons?|cards?|fob|alarm tests?|alarm testing|alarm maintenance|detectors?(?!\s+(?:is|are)\s+(?:going|beeping because))|bill|bills|fees?|meter|meters|payment|payments|account|station|stove|cooker|hob|heater|boiler service|supply notice|prices?|tariffs?|charges?|readings?|pipe inspection|maintenance|service|repair notice|season|prevention|protection|defen[cs]e|barriers?|gates?|cover|plan|procedures?|drill|hose|sprinklers?\s+test|rehearsal|poster|notice|knowledge|awareness|certificate|check(?:s|ing)?|test(?:s|ing)?)\b/u;
const COMPOUNDS_BEFORE =
  /(?:\b(?:no|anti|fire|cease|camp|bon|gun|wild|wood|brush|cross|quick|hell|rapid|sure|back|spit)[\s-]?|\b(?:cigarette|barbecue|bbq|incense|candle|vape|vaping|kitchen exhaust|cooking)\s+)$/u;
const CHINESE_TOPIC_AFTER =
  /^(?:有保险|的话|费|账单|帐单|缴费|交费|充值|表读数|卡|公司|灶|炉|热水器|管道改造|安装|开户|培训|演练|演习|讲座|知识|宣传|检查|年检|安全|通知|设施|器材|器|栓|通道|门|演示|预案|保险|隐患排查|预防|报警器测试|维保|维修通知|价|价格|涨价|停供通知)/u;
const CHINESE_TOPIC_BEFORE = /(?:雨|消防|防|预防|防范|模拟|假|电子|打火机|香|蜡烛|抽|吸|做饭的|炒菜的|油)$/u;

/** Before the hit in the same clause: the hazard is a condition or a topic, not an event. */
const HYPOTHETICAL_BEFORE = new RegExp(
  [
    String.raw`\b(?:if|in case|incase|in the event|whenever|suppose|supposing|what if|should there be|what happens (?:if|when)|how (?:do|should|can|would) (?:i|we|you) (?:handle|deal with|report|prevent|avoid|prepare for|respond to|book|sign up|register|join|use|test)|how to|procedure for|procedures for|what to do (?:in|during|if|when|about)|what (?:do|should) (?:i|we) do (?:in|during|if|when)|prevent(?:ing)?|avoid(?:ing)?|prepare for|tips? (?:on|for|about)|advice (?:on|for|about)|training (?:on|for|about)|information (?:on|about)|drill for|risk of|danger of|chance of|worried about|afraid of|scared of|in the case of|such as|like a)\b`,
    String.raw`(?:如果|万一|假如|要是|一旦|假设|倘若|若是|预防|防止|避免|防范|应对|如何处理|担心|害怕|以防|例如|比如)`,
  ].join('|'),
  'u',
);
/** Anywhere in the clause: it is about a past event. */
const PAST =
  /\b(?:last (?:week|month|year|night|time|weekend|winter|summer|monday|tuesday|wednesday|thursday|friday|saturday|sunday)|yesterday|ago|previous|earlier this (?:week|month|year)|was handled|were handled|handled (?:badly|poorly|well|slowly)|has been (?:fixed|repaired|resolved|handled)|was (?:fixed|repaired|resolved)|the recent|back in|in (?:january|february|march|april|may|june|july|august|september|october|november|december))\b|上周|上个?星期|上次|上个月|上月|去年|前几天|前天|昨天|昨晚|之前|以前|那次|那天|已经(?:处理|修好|解决|修复|排除)|处理得|处理的|处理太慢|赔偿|理赔/u;
/** Anywhere in the message: it is happening now, whatever else it says. */
const CURRENT =
  /\b(?:now|right now|still|currently|at the moment|is happening|keeps?|help|urgent|urgently|hurry|quick|quickly|immediately|emergency|please come|send someone|come now|again|just now|this morning|tonight|today)\b|现在|正在|还在|一直|马上|赶紧|赶快|快来|快点|救命|紧急|着急|急|刚刚|刚才|又|今天|今晚|此刻|立刻|立即/u;
/** Right before the hit: a negation ("no smoke", "there is not any gas smell", 没有漏气). */
const NEGATED_BEFORE =
  /(?:\b(?:no|not|never|without|isn't|wasn't|nor)(?:\s+\S+){0,2}\s*$)|(?:(?:没有|没|不是|并非|并没有|无|不)[^，。,.!?\s]{0,3}$)/u;
/** Right after the hit: the hazard is not there ("smoke? none", 烟没有). */
const NEGATED_AFTER =
  /^\s*(?:anymore|any more|is gone|has stopped|stopped|has been fixed|没有了|已经没了|已经停了|已经修好|是?(?:已经)?(?:修好|修完|处理好|解决)了?)/u;
/** After the hit in the same clause: a question about what one would do ("...的话应该怎么办"). */
const HYPOTHETICAL_AFTER = /^[^，。,.!?]{0,8}(?:的话|应该(?:怎么|如何)|(?:应该|该|要)打(?:哪个|什么|哪))/u;
/** Anywhere in the clause: it happens habitually, a standing complaint rather than an event now. */
const HABITUAL =
  /\b(?:every (?:time|night|day|morning|evening|week|weekend)|each (?:time|night|day)|whenever it rains)\b|一下雨|每次|每逢|天天|每天|每晚|每个?周末|经常|老是|总是|飘/u;

/** "fire" the verb: "please fire the cleaner", "they should fire him". */
const FIRE_AS_VERB_BEFORE =
  /\b(?:to|should|must|will|would|can|could|please|you|they|we|gonna|just|be|been|get|got)\s+$/u;
const FIRE_AS_VERB_AFTER =
  /^\s+(?:him|her|them|me|us|you|whoever|this|that|your|their|the (?:cleaner|guard|manager|staff|company|management|contractor|agent|security))\b/u;

const CLAUSE_BREAK = /[,.;!?，。；！？\n]/u;

function clauseAround(text: string, start: number, end: number): { before: string; after: string } {
  let from = start;
  while (from > 0 && !CLAUSE_BREAK.test(text[from - 1] as string)) from--;
  let to = end;
  while (to < text.length && !CLAUSE_BREAK.test(text[to] as string)) to++;
  return { before: text.slice(from, start), after: text.slice(end, to) };
}

/** Whether the hit at [start, end) of the canonical text reports an event happening now. */
function isEvent(text: string, start: number, end: number): boolean {
  const hit = text.slice(start, end);
  const { before, after } = clauseAround(text, start, end);
  const afterHit = text.slice(end);
  const beforeHit = text.slice(0, start);
  // Compound nouns are checked against the last hazard word of the hit only.
  if (COMPOUNDS_AFTER.test(afterHit) && /[a-z]$/u.test(hit)) return false;
  if (COMPOUNDS_BEFORE.test(beforeHit) && /^[a-z]/u.test(hit)) return false;
  if (CHINESE_TOPIC_AFTER.test(afterHit) && /\p{Script=Han}$/u.test(hit)) return false;
  if (CHINESE_TOPIC_BEFORE.test(beforeHit) && /^\p{Script=Han}/u.test(hit)) return false;
  if (NEGATED_BEFORE.test(before) && !/没有?呼吸|没气|not breathing|can not|no one|nobody/u.test(hit))
    return false;
  if (NEGATED_AFTER.test(after)) return false;
  if (HYPOTHETICAL_BEFORE.test(before + hit) || HYPOTHETICAL_AFTER.test(after)) return false;
  if (HABITUAL.test(before + hit + after)) return false;
  if (hit === 'fire' && (FIRE_AS_VERB_BEFORE.test(before) || FIRE_AS_VERB_AFTER.test(after))) return false;
  const clause = before + hit + after;
  if (PAST.test(clause) && !CURRENT.test(clause)) return false;
  return true;
}

/**
 * Finds an emergency (fire, gas, flood, lift entrapment, electrical, medical) in a message,
 * in Chinese or English, misspelt or written as a plain request, without any trained model.
 * Mentions are not events: "how do I book the fire-safety training?", "the gas bill is wrong",
 * "who do I call if I smell gas?" and "last week's flood was handled badly" return undefined.
 */
export function detectEmergency(message: string): Emergency | undefined {
  if (message.trim() === '') return undefined;
  const { text, origin, source } = canonicalize(message);
  for (const { kind, pattern } of HAZARDS) {
    pattern.lastIndex = 0;
    let match: RegExpExecArray | null;
    while ((match = pattern.exec(text)) !== null) {
      if (match[0] === '') {
        pattern.lastIndex++;
        continue;
      }
      const start = match.index;
      const end = start + match[0].length;
      if (!isEvent(text, start, end)) continue;
      pattern.lastIndex = 0;
      const from = origin[start] ?? 0;
      const lastChar = origin[end - 1] ?? from;
      return { kind, evidence: source.slice(from, lastChar + 1).trim() };
    }
  }
  return undefined;
}
