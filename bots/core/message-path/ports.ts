import type { Understanding } from '../../../nlp';
import type { Language } from '../../../services/i18n/text';
import type { MessageRecord } from '../../../services/messages/message-model';
import type { Identity } from '../../../services/owners/owner-model';

/** The kinds of case the message path opens. */
export type CaseKind = 'work_order' | 'complaint' | 'consulting' | 'suggestion' | 'emergency';

/** A case as the message path needs to see it. */
export interface CaseView {
  id: string;
  reference: string;
  kind: CaseKind;
  status: string;
  /** True while a staff member owns it (claimed or in progress): the bot relays instead of answering. */
  heldByStaff: boolean;
  /** True once staff resolved it (resolved, or in its return visit). */
  settled: boolean;
  createdAt: Date;
  /** When staff resolved it; null while it is open. */
  resolvedAt: Date | null;
  lastOwnerMessageAt: Date;
  title: string;
  /** Minutes until the acknowledgement target, as promised to the owner. */
  acknowledgeWithinMinutes: number;
  intent: string;
  category: string;
  /** '' unless an emergency. */
  emergencyKind: string;
  channel: string;
  /** The staff member holding it, '' when nobody does yet. */
  assigneeName: string;
}

export interface OpenCaseInput {
  kind: CaseKind;
  understanding: Understanding;
  identity: Identity;
  language: Language;
  message: MessageRecord;
  /** The reply telling the owner of a new case, kept on the case as it is opened (it names the reference). */
  firstReply?: { key: string; text(opened: CaseView): string };
}

/** A case just opened (or found opened by an earlier handling of the same message). */
export interface OpenedCase extends CaseView {
  /** The first reply is on the case already; false when the case was opened without it. */
  firstReplyKept: boolean;
}

/** The ticket service as the message path uses it (bots/core/cases.ts is the real one). */
export interface CasePort {
  /** Opens a case for the message; idempotent on the message, so a retried handling opens none twice. */
  open(input: OpenCaseInput): Promise<OpenedCase>;
  /** The owner's cases that are not closed (resolved ones included), newest first. */
  listOpen(identity: Identity): Promise<CaseView[]>;
  /** Adds an owner's follow-up to a case (idempotent on the message). */
  addOwnerMessage(caseId: string, message: MessageRecord): Promise<void>;
  /** Reopens a resolved case the owner says is still not fixed, with their words on it. */
  reopenByOwner(caseId: string, message: MessageRecord): Promise<CaseView>;
}

/** Where staff hear about cases: the Slack desk or the web desk implement it. */
export interface StaffPort {
  /** A case needs staff now (new consulting question, complaint, emergency, hand-over). */
  escalate(event: { caseView: CaseView; urgent: boolean; reason: string; identity: Identity }): Promise<void>;
  /** The owner wrote about a case a staff member holds. */
  relay(event: { caseView: CaseView; text: string; identity: Identity; messageKey: string }): Promise<void>;
}
