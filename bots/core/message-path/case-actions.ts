import type { Understanding } from '../../../nlp';
import type { ConversationStates } from '../../../services/conversations/conversation-state';
import { conversationTexts as texts, safetyAdvice } from '../../../services/i18n/conversation';
import { localize, type Language, type LocalizedText } from '../../../services/i18n/text';
import { understandingTexts } from '../../../services/i18n/understanding';
import type { HandlingResult } from '../../../services/messages/handling-lease';
import type { OutboundMessage } from '../../../services/channels/types';
import type { CaseKind, CasePort, CaseView, OpenedCase, StaffPort } from './ports';
import { rendered, replyKey, say, type Reply } from './replies';
import { caseKindOf } from './topics';
import { clearQuestion, handled, type Turn } from './turn';

/** Public emergency numbers in mainland China, by kind of emergency. */
const EMERGENCY_NUMBERS: Record<string, string> = {
  fire: '119',
  gas: '119',
  flood: '119',
  electrical: '119',
  lift_entrapment: '119',
  medical: '120',
  violence: '110',
  locked_in_car: '110',
};

/** What each kind of new case tells the owner, and why staff hear of it ('' = they need not). */
const OPENED: Record<Exclude<CaseKind, 'emergency'>, { text: LocalizedText; reason: string }> = {
  complaint: { text: texts.complaintApology, reason: 'complaint' },
  consulting: { text: texts.questionForwarded, reason: 'question_for_staff' },
  suggestion: { text: texts.suggestionThanks, reason: '' },
  work_order: { text: texts.workOrderOpened, reason: 'work_order' },
};

export interface CaseActionDeps {
  cases: CasePort;
  staff: StaffPort;
  states: ConversationStates;
  reply: Reply;
  /** The property's 24-hour duty line; '' when not configured. */
  dutyPhone: string;
}

/** "30 minutes", "2 hours", "1 hour": how soon the owner will hear from staff. */
function formatEta(minutes: number, language: 'zh' | 'en'): string {
  if (minutes < 60)
    return localize(minutes === 1 ? texts.etaMinute : texts.etaMinutes, language, { count: minutes });
  const hours = Math.round(minutes / 60);
  return localize(hours === 1 ? texts.etaHour : texts.etaHours, language, { count: hours });
}

/** What tells the owner about a case, given the case (it names the reference). */
type Telling = (caseView: CaseView) => OutboundMessage;

/** A new case's reference and how soon staff will be in touch, with `extra` values of the text. */
function openedTelling(language: Language, text: LocalizedText, extra: Record<string, string> = {}): Telling {
  return (caseView) =>
    say(language, text, {
      reference: caseView.reference,
      eta: formatEta(caseView.acknowledgeWithinMinutes, language),
      ...extra,
    });
}

/** An emergency case: what `openedTelling` says, what to do now and whom to call. */
function emergencyTelling(language: Language, emergencyKind: string, dutyPhone: string): Telling {
  const advice = safetyAdvice[emergencyKind] ?? (safetyAdvice.other as LocalizedText);
  return openedTelling(language, texts.emergencyOpened, {
    emergencyNumber: EMERGENCY_NUMBERS[emergencyKind] ?? '110',
    dutyLine: dutyPhone ? localize(texts.dutyLine, language, { dutyPhone }) : '',
    advice: localize(advice, language),
  });
}

/**
 * Opens the case with the reply `part` that tells the owner about it already on it: the
 * reply names the reference, and keeping it in the case's insert saves the case a write.
 */
function openTelling(
  cases: CasePort,
  turn: Turn,
  understanding: Understanding,
  kind: CaseKind,
  part: string,
  tell: Telling,
): Promise<OpenedCase> {
  const { identity, language } = turn;
  const firstReply = {
    key: replyKey(turn, part),
    text: (opened: CaseView) => rendered(turn, tell(opened)).text,
  };
  return cases.open({ kind, understanding, identity, language, message: turn.message, firstReply });
}

/** Queues the reply `openTelling` kept on the case (kept there now if the case was opened without it). */
function sendTelling(
  reply: Reply,
  turn: Turn,
  part: string,
  caseView: OpenedCase,
  tell: Telling,
  urgent = false,
): Promise<void> {
  return reply(turn, part, tell(caseView), {
    caseId: caseView.id,
    keptOnCase: caseView.firstReplyKept,
    ...(urgent ? { urgent: true } : {}),
  });
}

/**
 * What the message path does with cases: open one and tell the owner what happens next (an
 * emergency with safety advice), hand a message to a person, send a borderline one to staff
 * at once. Every reply is keyed by the message (see `createReplier`).
 */
export function createCaseActions(deps: CaseActionDeps) {
  const { cases, staff, reply } = deps;

  async function openAndTell(
    turn: Turn,
    understanding: Understanding,
    kind: CaseKind,
  ): Promise<HandlingResult> {
    const { identity, language } = turn;
    if (kind === 'emergency') {
      const emergencyKind = understanding.emergency?.kind ?? 'other';
      const tell = emergencyTelling(language, emergencyKind, deps.dutyPhone);
      const caseView = await openTelling(cases, turn, understanding, kind, 'case', tell);
      await staff.escalate({ caseView, urgent: true, reason: `emergency:${emergencyKind}`, identity });
      await sendTelling(reply, turn, 'case', caseView, tell, true);
      return handled(turn, 'emergency_escalated', { caseId: caseView.id });
    }
    const { text, reason } = OPENED[kind];
    const tell = openedTelling(language, text);
    const caseView = await openTelling(cases, turn, understanding, kind, 'case', tell);
    if (reason) await staff.escalate({ caseView, urgent: false, reason, identity });
    await sendTelling(reply, turn, 'case', caseView, tell);
    return handled(turn, `case_opened_${kind}`, { caseId: caseView.id });
  }

  /** A new case for a person to answer (the bot could not, or was asked not to). */
  async function handOver(
    turn: Turn,
    understanding: Understanding,
    reason = 'bot_did_not_understand',
    kind: CaseKind = 'consulting',
  ): Promise<HandlingResult> {
    const { identity, language } = turn;
    const tell: Telling = (caseView) => say(language, texts.handedToHuman, { reference: caseView.reference });
    const caseView = await openTelling(cases, turn, understanding, kind, 'handover', tell);
    await staff.escalate({ caseView, urgent: false, reason, identity });
    await sendTelling(reply, turn, 'handover', caseView, tell);
    await clearQuestion(deps.states, turn);
    return handled(turn, 'handed_over', { caseId: caseView.id });
  }

  /** No emergency was declared, but the learned score is borderline: a person looks at once. */
  async function reviewNow(turn: Turn, understanding: Understanding): Promise<HandlingResult> {
    const { identity, language } = turn;
    const tell: Telling = (caseView) =>
      say(language, understandingTexts.possibleEmergency, { reference: caseView.reference });
    const kind = caseKindOf(understanding.intent);
    const caseView = await openTelling(cases, turn, understanding, kind, 'case', tell);
    await staff.escalate({ caseView, urgent: true, reason: 'possible_emergency', identity });
    await sendTelling(reply, turn, 'case', caseView, tell, true);
    return handled(turn, 'urgent_review', { caseId: caseView.id });
  }

  return { openAndTell, handOver, reviewNow };
}

export type CaseActions = ReturnType<typeof createCaseActions>;

/** A follow-up the emergency score finds borderline makes its case urgent for staff. */
export async function escalateIfBorderline(staff: StaffPort, turn: Turn, caseView: CaseView): Promise<void> {
  if (!turn.understanding.urgentReview) return;
  await staff.escalate({ caseView, urgent: true, reason: 'possible_emergency', identity: turn.identity });
}
