import type { Understanding } from '../../../nlp';
import { choiceFromNumber } from '../../../services/channels/render';
import type { CaseKind, CaseView } from './ports';

/** Text the owner might write that only greets, thanks or acknowledges. */
const THANKS = /^(thanks?|thank you|thx|ty|多谢|谢谢|谢了|感谢|辛苦了)/i;
const GREETING = /^(hi|hello|hey|good (morning|afternoon|evening)|你好|您好|在吗|在不在|hello\?)/i;
const SUGGESTION =
  /^(建议|我建议|suggest|i suggest|suggestion|it would be (nice|good|great) if|could you consider|希望(物业|小区)?(能|可以))/i;

/**
 * Asking how far a case has got, in the words owners use: never a new case of its own.
 * "进度", "师傅什么时候来", "有人来修吗", "any update on my repair", "when will the plumber come".
 */
const PROGRESS = [
  /进度|进展|处理(得)?(怎么样|到哪)|(怎么样|咋样)了|(修|弄|处理)好了(吗|没)|到哪(了|一步)/,
  /(师傅|工人|维修|人)(什么时候|啥时候|几点|哪天|何时)(来|到|上门|过来|能到)/,
  /(什么时候|啥时候|何时)(来|上门|过来)(修|处理|看)?/,
  /有(没有)?人(来|处理|跟进)(了)?(吗|没)/,
  /\b(any (update|news|progress)|progress on|status of my|what('s| is) happening with my)\b/i,
  /\bwhen (will|is|are) (someone|anyone|the (plumber|technician|electrician|worker|engineer)|you)\b.*\b(come|coming|arrive|fix|be here)\b/i,
  /\bhas (anyone|someone) (been|come|looked)\b/i,
];

/**
 * Chasing a case ("still waiting", "还在等", "催一下"): said to the people handling it, so while
 * staff hold a case it goes to them, however cross it sounds. Only at the start of a message:
 * "still waiting, and the guard was rude too" begins as a chase all the same.
 */
const CHASING = [
  /^(我)?(还|一直|仍然)在等|^(等了|等很久|等半天|等到现在)|^(催一下|催催|快点|麻烦快点|怎么还没(人)?(来|回|处理|动静))/,
  /^(i('m| am) )?still waiting\b|^(hurry( up)?|how (much )?longer|it'?s been (hours|days|ages)|nobody has (come|replied|answered))\b/i,
];

/** "Still leaking", "又坏了", "not fixed": the problem of a case staff called resolved is back. */
const STILL_BROKEN = [
  /还是(在)?(漏|坏|不行|没好|不亮|没电|没水|堵|响|不能用|不工作|有问题)/,
  /又(坏|漏|堵|不亮|停|响|出问题)/,
  /(仍然|依然|仍旧)(在)?(漏|坏|不行|没好|堵|有问题)/,
  /没(有)?修好|还没好|根本没(修|解决)|并没有解决/,
  /\bstill (not|leaking|broken|blocked|dripping|not working|isn'?t|doesn'?t|faulty|out)\b/i,
  /\b(not|isn'?t|wasn'?t) (really )?(fixed|solved|repaired)\b/i,
  /\b(broken|leaking|blocked) again\b/i,
];

/** Below this, "dissatisfaction" on a follow-up is usually a detail ("I am home after 6pm"), not a complaint. */
const CLEAR_COMPLAINT = 0.8;

/** Follow-ups are about a case only while its owner is still writing about it. */
export const STILL_BROKEN_WITHIN_MS = 14 * 24 * 60 * 60_000;

export const isThanks = (text: string) => THANKS.test(text);
export const isGreeting = (text: string) => GREETING.test(text);
export const isSuggestion = (text: string) => SUGGESTION.test(text.normalize('NFKC').trim());
export const isProgressQuestion = (text: string) => PROGRESS.some((pattern) => pattern.test(text));
export const isChasing = (text: string) =>
  CHASING.some((pattern) => pattern.test(text.normalize('NFKC').trim()));
export const isStillBroken = (text: string) => STILL_BROKEN.some((pattern) => pattern.test(text));

/** The kind of case a message opens when it goes to a person with its intent as classified. */
export function caseKindOf(intent: Understanding['intent']): CaseKind {
  if (intent === 'help_seeking') return 'work_order';
  if (intent === 'dissatisfaction') return 'complaint';
  return 'consulting';
}

/** "1", a button press, or the choice's own words, mapped to the intent it offers. */
export function chosenIntent(
  choices: string[],
  text: string,
  action: string,
): Understanding['intent'] | undefined {
  if (action.startsWith('clarify:')) {
    const intent = action.slice('clarify:'.length);
    if (choices.includes(intent)) return intent as Understanding['intent'];
  }
  return choiceFromNumber(text, choices) as Understanding['intent'] | undefined;
}

/** The case staff resolved most recently (within two weeks), for "still not fixed". */
export function justResolved(cases: CaseView[], now: Date): CaseView | undefined {
  return cases
    .filter(
      (view) =>
        view.settled &&
        view.resolvedAt &&
        now.getTime() - view.resolvedAt.getTime() <= STILL_BROKEN_WITHIN_MS,
    )
    .sort((a, b) => (b.resolvedAt as Date).getTime() - (a.resolvedAt as Date).getTime())[0];
}

/**
 * The open case a message adds to, if it is about one: a photo or a detail for the case it
 * follows, or more about the same kind of problem. A question, a complaint or a different
 * problem is not about the case: it is answered, or opens its own.
 */
export function caseTheMessageIsAbout(
  cases: CaseView[],
  message: { understanding: Understanding; hasAttachments: boolean; at: Date },
  windowMs: number,
  /** While staff hold a case, a question on its subject ("how much will it cost?") is for them. */
  questionsOnTheSubject = false,
): CaseView | undefined {
  const { understanding } = message;
  const active = cases.filter((view) => !view.settled && view.kind !== 'suggestion');
  const latest = active[0];
  if (!latest) return undefined;
  // A clear complaint, or one about something else, is a complaint of its own with its deadline.
  if (understanding.intent === 'dissatisfaction') {
    const aboutOther =
      understanding.category !== 'other' && !active.some((view) => view.category === understanding.category);
    if (aboutOther || understanding.confidence >= CLEAR_COMPLAINT) return undefined;
  }
  if (understanding.intent === 'consulting') {
    if (!questionsOnTheSubject || understanding.category === 'other') return undefined;
    return active.find((view) => view.category === understanding.category);
  }
  const recent = message.at.getTime() - latest.lastOwnerMessageAt.getTime() <= windowMs;
  if (message.hasAttachments && recent) return latest;
  const sameProblem = active.find(
    (view) => understanding.category !== 'other' && view.category === understanding.category,
  );
  if (sameProblem && (recent || sameProblem.heldByStaff)) return sameProblem;
  // More words about what was just reported ("它在厨房水槽下面"), not a new request.
  const text = understanding.text.trim();
  const saysSomething = Array.from(text).length > 4 || /\d/.test(text);
  const detail = understanding.intent === 'other' || understanding.intent === 'dissatisfaction';
  if (recent && detail && saysSomething && !isThanks(text) && !isGreeting(text)) return latest;
  return undefined;
}
