import type { EmergencyKind } from './kinds';

/*
 * Guards turn a hazard pattern's hit into a mention rather than an event: a compound noun
 * (fire drill, 燃气费), a condition (if ..., 如果 ...), a question about a procedure, a
 * negation (no smoke), a habit (every night, 天天) or a past event with nothing current.
 */

/** Compound nouns where a hazard word names a topic, not an event (checked right at the hit). */
const COMPOUNDS_AFTER =
  /^[\s-]*(?:safety|drills?|training|door|doors|exits?|extinguishers?|inspections?|escape|hydrants?|equipment|lanes?|codes?|insurance|certificates?|regulations?|rules?|brigade access|works|places?|wood|fighters?|blankets?|pits?|proof|resistant|retardant|rated|department|brigade|services?|stations?|hazards?|risks?|alarms?(?!\s+(?:is|are|keeps?|went|going)\b.{0,40}\b(?:smoke|smell|burning|flames?)\b)|lobby|lobbies|hall|buttons?|cards?|fob|alarm tests?|alarm testing|alarm maintenance|detectors?(?!\s+(?:is|are)\s+(?:going|beeping because))|bill|bills|fees?|company|companies|supplier|meter|meters|payment|payments|account|station|stove|cooker|hob|heater|boiler service|supply notice|prices?|tariffs?|charges?|readings?|pipe inspection|maintenance|service|repair notice|season|prevention|protection|defen[cs]e|barriers?|gates?|cover|plan|procedures?|drill|hose|sprinklers?\s+test|rehearsal|poster|notice|knowledge|awareness|certificate|check(?:s|ing)?|test(?:s|ing)?)\b/u;
const COMPOUNDS_BEFORE =
  /(?:\b(?:no|anti|fire|cease|camp|bon|gun|wild|wood|brush|cross|quick|hell|rapid|sure|back|spit)[\s-]?|\b(?:cigarette|barbecue|bbq|incense|candle|vape|vaping|kitchen exhaust|cooking)\s+)$/u;
const CHINESE_TOPIC_AFTER =
  /^(?:侦测器|探测器|感应器|报警器|警报器|传感器|有保险|的话|费|账单|帐单|缴费|交费|充值|表读数|卡|公司|灶|炉|热水器|管道改造|安装|开户|培训|演练|演习|讲座|知识|宣传|检查|年检|安全|通知|设施|器材|器|栓|通道|门|演示|预案|保险|隐患排查|预防|报警器测试|维保|维修通知|价|价格|涨价|停供通知)/u;
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
  /\b(?:now|right now|still|currently|at the moment|is happening|keeps?|help|urgent|urgently|hurry|quick|quickly|immediately|emergency|please come|send someone|come now|again|just now|this morning|tonight|today|since)\b|至今|到现在|现在|正在|还在|一直|马上|赶紧|赶快|快来|快点|救命|紧急|着急|急|刚刚|刚才|又|今天|今晚|此刻|立刻|立即/u;
/** Right before the hit: a negation ("no smoke", "there is not any gas smell", 没有漏气). */
const NEGATED_BEFORE =
  /(?:\b(?:no|not|never|without|isn't|wasn't|nor)(?:\s+\S+){0,2}\s*$)|(?:(?<![是有要会能可好])(?:没有|没|不是|并非|并没有|无|不)[^，。,.!?\s]{0,3}$)/u;
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

/** Anywhere in the clause of an outage: a planned or future cut, a question about the schedule. */
const SCHEDULED =
  /\b(?:tomorrow|tonight from|next|scheduled|planned|notice|will there be|is there going to be|going to be cut|maintenance)\b|明天|明早|后天|下周|下个?星期|计划|通知|预计|安排|检修|会不会|是否会|要停/u;

const CLAUSE_BREAK = /[,.;!?，。；！？\n]/u;

function clauseAround(text: string, start: number, end: number): { before: string; after: string } {
  let from = start;
  while (from > 0 && !CLAUSE_BREAK.test(text[from - 1] as string)) from--;
  let to = end;
  while (to < text.length && !CLAUSE_BREAK.test(text[to] as string)) to++;
  return { before: text.slice(from, start), after: text.slice(end, to) };
}

/**
 * Whether the hazard word at [start, end) of the canonical text names a topic rather than a
 * danger: part of a compound noun (fire drill, gas bill, 燃气费, 消防演练) or "fire" the verb.
 */
export function isTopicWord(text: string, start: number, end: number): boolean {
  const hit = text.slice(start, end);
  const afterHit = text.slice(end);
  const beforeHit = text.slice(0, start);
  if (COMPOUNDS_AFTER.test(afterHit) && /[a-z]$/u.test(hit)) return true;
  if (COMPOUNDS_BEFORE.test(beforeHit) && /^[a-z]/u.test(hit)) return true;
  if (CHINESE_TOPIC_AFTER.test(afterHit) && /\p{Script=Han}$/u.test(hit)) return true;
  if (CHINESE_TOPIC_BEFORE.test(beforeHit) && /^\p{Script=Han}/u.test(hit)) return true;
  const { before, after } = clauseAround(text, start, end);
  return hit === 'fire' && (FIRE_AS_VERB_BEFORE.test(before) || FIRE_AS_VERB_AFTER.test(after));
}

/** Whether the hit at [start, end) of the canonical text reports an event happening now. */
export function isEvent(text: string, start: number, end: number, kind: EmergencyKind): boolean {
  const hit = text.slice(start, end);
  const { before, after } = clauseAround(text, start, end);
  // Compound nouns are checked against the last hazard word of the hit only.
  if (isTopicWord(text, start, end)) return false;
  if (NEGATED_BEFORE.test(before) && !/没有?呼吸|没气|not breathing|can not|no one|nobody/u.test(hit))
    return false;
  if (NEGATED_AFTER.test(after)) return false;
  if (HYPOTHETICAL_BEFORE.test(before + hit) || HYPOTHETICAL_AFTER.test(after)) return false;
  if (HABITUAL.test(before + hit + after)) return false;
  const clause = before + hit + after;
  if (PAST.test(clause) && !CURRENT.test(clause)) return false;
  if (kind === 'outage' && SCHEDULED.test(clause)) return false;
  return true;
}
