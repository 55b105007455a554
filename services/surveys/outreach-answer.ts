import type { OutboundMessage } from '../channels/types';
import type { Identity } from '../owners/owner-model';

/** An owner message that may answer a question the bot asked on its own (survey, return visit). */
export interface OutreachAnswerInput {
  identity: Identity;
  text: string;
  /** The button pressed (or '' for typed text). */
  action: string;
  /** `<channel>:<platform message id>`: answers are keyed by it, so handling twice records once. */
  messageKey: string;
  at: Date;
}

/** What came of an answer; the dialog sends `reply` keyed by the message. */
export interface OutreachReply {
  outcome: string;
  reply?: OutboundMessage;
  /** Free text the owner wrote (a survey comment): the dialog runs it through the classifier. */
  comment?: string;
  caseId?: string;
}

/**
 * A service that asks owners questions outside a conversation (quarterly survey, return
 * visit). The dialog treats its open question as a pending question: a button of its own
 * always goes to it, typed text goes to the one asked most recently, and only when the
 * text reads as an answer (else the message is handled as usual and the question stays open).
 */
export interface OutreachAnswerer {
  accepts(action: string): boolean;
  /** When the open question for this owner was asked; undefined when none is open. */
  pendingSince(identity: Identity): Promise<Date | undefined>;
  answer(input: OutreachAnswerInput): Promise<OutreachReply | undefined>;
}

const SKIP = /^(skip|no|none|nothing|n\/a|跳过|没有|无|沒有|不用了?|没了)[.!。！]*$/i;

/** "skip", "没有", "无": the owner passes on an optional question. */
export function isSkip(text: string): boolean {
  return SKIP.test(text.normalize('NFKC').trim());
}
