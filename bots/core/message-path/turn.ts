import type { Understanding } from '../../../nlp';
import type {
  ConversationState,
  ConversationStates,
} from '../../../services/conversations/conversation-state';
import type { Language } from '../../../services/i18n/text';
import type { HandlingResult } from '../../../services/messages/handling-lease';
import type { MessageRecord } from '../../../services/messages/message-model';
import type { Identity } from '../../../services/owners/owner-model';
import type { OwnerCommand } from '../commands';
import type { CaseView } from './ports';

/** Who wrote and what we last asked them: read by `identifySender` (and by an emergency at once). */
export interface Sender {
  identity: Identity;
  /** This message created the identity: the sender has no case, question, survey or visit yet. */
  firstContact: boolean;
  language: Language;
  state: ConversationState;
  /** The button pressed, or the menu choice a number stands for on channels without buttons. */
  action: string;
  /** The command the message is (a keyword or a menu button), if any. */
  command: OwnerCommand | undefined;
  /** The sender's cases not closed, newest first; read once per turn, when first asked for. */
  openCases: () => Promise<CaseView[]>;
}

/**
 * One owner message on its way through the message path. The sender's fields are filled by
 * `identifySender`; the arrival steps before it (emergency triage, flood guard) read only the
 * message and its understanding, so a flood costs no database work per message.
 */
export interface Turn extends Sender {
  readonly message: MessageRecord;
  /** The message's text, trimmed. */
  readonly text: string;
  readonly understanding: Understanding;
  /** Set by the step that handled the message; the steps after it do not run. */
  result?: HandlingResult;
}

/** A turn as it arrives: the sender is not read yet (see `Turn`). */
export function arrival(message: MessageRecord, understanding: Understanding): Turn {
  const unread = undefined as never;
  return {
    message,
    text: message.text.trim(),
    understanding,
    identity: unread,
    firstContact: unread,
    language: unread,
    state: unread,
    action: '',
    command: undefined,
    openCases: unread,
  };
}

/** A step of the message path: handles the turn (sets `result`), or passes it on with `next`. */
export type Step = (turn: Turn, next: () => Promise<void>) => Promise<void>;

/** Runs the steps in order, each deciding whether the next one runs (grammY's Composer). */
export function compose(steps: readonly Step[]): (turn: Turn) => Promise<void> {
  const run = async (index: number, turn: Turn): Promise<void> => {
    const step = steps[index];
    if (step) await step(turn, () => run(index + 1, turn));
  };
  return (turn) => run(0, turn);
}

/**
 * Forgets what we last asked the sender (the question, and how often we asked them to
 * clarify), if there is anything: most messages have nothing to clear, and save the write.
 */
export async function clearQuestion(
  states: Pick<ConversationStates, 'clearPending'>,
  turn: Turn,
): Promise<void> {
  if (turn.state.pending || turn.state.clarificationsAsked > 0)
    await states.clearPending(turn.identity.key, { resetClarifications: true });
}

/** The result of a handled turn (what the message's outcome records). */
export function handled(
  turn: Turn,
  outcome: string,
  extra: { caseId?: string; language?: Language } = {},
): HandlingResult {
  return {
    outcome,
    identityId: turn.identity.id,
    language: extra.language ?? turn.language,
    ...(extra.caseId ? { caseId: extra.caseId } : {}),
  };
}
