/*
 * Written Cantonese, as owners in Hong Kong, Macau and Guangdong type it, and the words Hong
 * Kong and Taiwan use for things of the estate, mapped to the Mandarin words the models and
 * rules know: 部𨋢壞咗 -> 部电梯坏了, 水喉爆咗 -> 水管爆了, 瓦斯外洩 -> 燃气外泄.
 * The rules run on Simplified text (after OpenCC), except 係 ("is"), which OpenCC merges into
 * 系 ("system", "tie"), so it is rewritten before. Phrases come before the characters they
 * contain. Words that Mandarin also writes with another meaning (出面, 整, 呢, 系, 同) are only
 * rewritten in a message that is Cantonese by its markers.
 */

type Rewrite = readonly [pattern: RegExp, replacement: string];

/** Words only written Cantonese uses (after OpenCC); one is enough to call a message Cantonese. */
const MARKERS =
  /[咗喺冇嚟啲嘅䢂𨋢佢哋嘢噉咁咩乜𠮶嗰㗎㖞喎睇揾搵攞冚瞓揸攰畀㶶燶]|唔(?![\s,.!?~…，。！？、]|$)|(?<![关關干幹联聯维維])係|系咪|点样|点解|点算|边度|边个|几多|几耐|點樣|點解|點算|邊度|邊個|幾多|幾耐|鎖匙|有冇|火烛|火燭|水喉|水浸|屋企|细路|細路|隔篱|隔籬|而家|打交(?!道)|跌低|晕低|暈低|锁匙/u;

/** Traditional 係 ("is"), but not in 關係/干係/聯係 ("relationship"): rewritten before OpenCC. */
const COPULA: readonly Rewrite[] = [
  [/係唔係|係咪/gu, '是不是'],
  [/(?<![关關干幹联聯维維])係/gu, '是'],
];

/** Regional words whose Mandarin equivalent means the same: safe in any message. */
const REGIONAL: readonly Rewrite[] = [
  [/升降机/gu, '电梯'],
  [/瓦斯/gu, '燃气'],
  [/石油气/gu, '液化气'],
  [/冷气机?/gu, '空调'],
  [/(?<!车位|停车|车)管理费/gu, '物业费'],
  [/管理处|管业处/gu, '物业'],
  [/屋苑/gu, '小区'],
  [/看更|护卫员?|保全/gu, '保安'],
  [/速递/gu, '快递'],
  [/^早晨(?=[\s,.!?，。！？]|$)/gu, '早上好'],
  [/几时/gu, '什么时候'],
  [/好似/gu, '好像'],
  [/嘈(?!杂)/gu, '吵'],
];

const HAN = /\p{Script=Han}/u;
/** One test for all regional words, so most messages skip the rewrites. */
const ANY_REGIONAL = new RegExp(REGIONAL.map(([pattern]) => pattern.source).join('|'), 'u');

const CANTONESE: readonly Rewrite[] = [
  // Courtesy and set phrases.
  [/(?:唔该|多谢)晒/gu, '谢谢'],
  [/唔该/gu, '麻烦'],
  [/唔好意思/gu, '不好意思'],
  // Questions.
  [/系唔系|系咪|是咪/gu, '是不是'],
  [/可唔可以/gu, '可不可以'],
  [/使唔使/gu, '需不需要'],
  [/有冇/gu, '有没有'],
  [/点解/gu, '为什么'],
  [/点算好?/gu, '怎么办'],
  [/点样/gu, '怎么'],
  [/边度|边处|边道/gu, '哪里'],
  [/边个/gu, '谁'],
  [/边(?=间|栋|座|部|架|只|位|日)/gu, '哪'],
  [/几多钱|几钱/gu, '多少钱'],
  [/几多/gu, '多少'],
  [/几耐/gu, '多久'],
  [/乜嘢|乜野|咩嘢/gu, '什么'],
  [/搞乜/gu, '搞什么'],
  [/咩(?=[?？!！。，,\s]|$)/gu, '吗'],
  [/[咩乜]/gu, '什么'],
  // Emergencies and the estate.
  [/火烛/gu, '着火'],
  [/爆水喉|水喉爆/gu, '水管爆'],
  [/水喉/gu, '水管'],
  [/水浸/gu, '淹水'],
  [/浸(?=咗|了|到|晒)/gu, '淹'],
  [/出烟/gu, '冒烟'],
  [/[㶶燶]味/gu, '焦味'],
  [/[㶶燶]/gu, '焦'],
  [/[䢂𨋢]/gu, '电梯'],
  [/插苏/gu, '插座'],
  [/电掣|开掣/gu, '开关'],
  [/跌低|跌亲/gu, '摔倒'],
  [/晕低/gu, '晕倒'],
  [/唔识郁|唔郁|冇郁/gu, '不动'],
  [/打交(?!道)/gu, '打架'],
  [/打劫/gu, '抢劫'],
  [/差佬/gu, '警察'],
  [/白车|救伤车/gu, '救护车'],
  [/细路仔?|细蚊仔|bb仔/gu, '小孩'],
  [/屋企/gu, '家里'],
  [/出厅/gu, '客厅'],
  [/入面|里便|入便/gu, '里面'],
  [/出面|出便/gu, '外面'],
  [/隔篱屋?/gu, '隔壁'],
  [/成地/gu, '满地'],
  [/成(?=栋|座|幢|层|间|屋|条街|个屋苑|个小区|晚|夜)/gu, '整'],
  [/冇晒/gu, '全没有'],
  [/黑晒/gu, '全黑了'],
  [/锁匙/gu, '钥匙'],
  [/后备/gu, '备用'],
  [/执垃圾/gu, '收垃圾'],
  [/执(?=好|返|番|屋|嘢|东西)/gu, '收拾'],
  [/(?<=灯)唔着/gu, '不亮'],
  [/食烟/gu, '抽烟'],
  [/遇溺/gu, '溺水'],
  [/爆格/gu, '入室盗窃'],
  [/[畀俾]?电亲/gu, '被电到'],
  [/条友/gu, '个人'],
  [/仲未/gu, '还没'],
  [/起到身|起身/gu, '起来'],
  [/污糟/gu, '脏'],
  [/灯胆/gu, '灯泡'],
  [/猫仔/gu, '小猫'],
  [/狗仔/gu, '小狗'],
  [/焗/gu, '闷热'],
  [/[揿撳]/gu, '按'],
  [/泊(?=车|了|咗|在|喺)/gu, '停'],
  [/寻日|琴日/gu, '昨天'],
  [/听日/gu, '明天'],
  [/收工/gu, '下班'],
  [/话我知/gu, '告诉我'],
  [/(?<=不|唔)冻/gu, '冷'],
  // Everyday words.
  [/唔识/gu, '不会'],
  [/唔使/gu, '不用'],
  [/唔得/gu, '不行'],
  [/唔好/gu, '不要'],
  [/唔(?![\s,.!?~…，。！？、]|$)/gu, '不'],
  [/冇/gu, '没有'],
  [/咗喺/gu, '在'],
  [/(?<=了|咗)成日/gu, '整天'],
  [/成日/gu, '总是'],
  [/([停黑湿烧坏断漏])晒/gu, '全$1了'],
  [/起(?:唔|不)到身/gu, '起不来'],
  [/落来/gu, '下来'],
  [/咗/gu, '了'],
  [/(?<=[烧流打喊哭落漏冒做修整搞等返食讲看睇揾找])紧/gu, '着'],
  [/(?<=[追拎揸拿锁困关抱揽])住/gu, '着'],
  [/[喺系]度/gu, '在这里'],
  [/喺/gu, '在'],
  [/嚟/gu, '来'],
  [/佢哋/gu, '他们'],
  [/我哋/gu, '我们'],
  [/你哋/gu, '你们'],
  [/哋/gu, '们'],
  [/佢/gu, '他'],
  [/(?<=[我你他她]们?)啲/gu, '的'],
  [/(?<=[快慢大细小多少早迟好近高低平])啲/gu, '点'],
  [/(?<=^|[\s,.!?，。！？、])啲/gu, ''],
  [/啲/gu, '些'],
  [/嘅/gu, '的'],
  [/嘢/gu, '东西'],
  [/噉/gu, '这样'],
  [/咁/gu, '这么'],
  [/呢(?=度|个|排|间|栋|部|架|只|些|次|条|位|边)/gu, '这'],
  [/[𠮶嗰]/gu, '那'],
  [/(?<=不|都|就|真|即|梗|仲|咪|又|先|只)系(?![统列数])/gu, '是'],
  [/仲(?=有|是|未|在|要|没|不)/gu, '还'],
  [/而家|宜家/gu, '现在'],
  [/即刻/gu, '马上'],
  [/啱啱/gu, '刚刚'],
  [/帮手/gu, '帮忙'],
  [/(?<=来|去|帮我|帮忙|请人)整/gu, '修'],
  [/整(?=返|番|翻|好|吓|下|得)/gu, '修'],
  [/同(?=[我你他她]|人)/gu, '跟'],
  [/讲声/gu, '说一声'],
  [/话(?=要|[我你他她]|会)/gu, '说'],
  [/斩/gu, '砍'],
  [/饮(?=水|茶|东西)/gu, '喝'],
  [/睇/gu, '看'],
  [/[揾搵]/gu, '找'],
  [/攞/gu, '拿'],
  [/揸/gu, '拿'],
  [/[畀俾](?=[我你他她人])/gu, '给'],
  [/瞓/gu, '睡'],
  [/攰/gu, '累'],
  [/郁(?=下|吓|不|到)/gu, '动'],
  [/喊(?=到|紧|住|了)/gu, '哭'],
  [/[㗎㖞喎]/gu, ''],
];

/** True when the message uses words only written Cantonese has (咗, 喺, 冇, 唔, 𨋢, 係 ...). */
export function isCantonese(text: string): boolean {
  return MARKERS.test(text);
}

/** Rewrites Cantonese 係 ("is") as 是 before OpenCC folds it into 系; other text unchanged. */
export function rewriteCantoneseCopula(text: string): string {
  if (!text.includes('係')) return text;
  let rewritten = text;
  for (const [pattern, replacement] of COPULA) rewritten = rewritten.replace(pattern, replacement);
  return rewritten;
}

/**
 * Rewrites regional words and, in a Cantonese message, the common words of written Cantonese
 * in Simplified text as Mandarin, so the message reaches the models and rules in the words they
 * were written for. Mandarin text keeps its meaning; the result has no Cantonese marker left.
 */
export function toMandarin(simplified: string): string {
  if (!HAN.test(simplified)) return simplified;
  let text = simplified;
  if (ANY_REGIONAL.test(text)) {
    for (const [pattern, replacement] of REGIONAL) text = text.replace(pattern, replacement);
  }
  if (!MARKERS.test(text)) return text;
  for (const [pattern, replacement] of CANTONESE) text = text.replace(pattern, replacement);
  return text;
}
