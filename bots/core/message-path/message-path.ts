import type { Understander } from '../../../nlp';
import type { Clock } from '../../../services/clock';
import type { ConversationStates } from '../../../services/conversations/conversation-state';
import type { LocalizedText } from '../../../services/i18n/text';
import type { FaqStore } from '../../../services/knowledge/faq-store';
import type { Logger } from '../../../services/logging/logger';
import type { HandlingResult } from '../../../services/messages/handling-lease';
import type { MessageRecord } from '../../../services/messages/message-model';
import type { Outbox } from '../../../services/outbox/outbox';
import type { OwnerService } from '../../../services/owners/owner-service';
import type { OutreachAnswerer } from '../../../services/surveys/outreach-answer';
import type { FloodGuard } from '../flood-guard';
import { createCaseActions } from './case-actions';
import { createOutreachAnswers } from './outreach-answers';
import type { CasePort, StaffPort } from './ports';
import { createReplier } from './replies';
import { classifyAndAct, createActOnIntent } from './steps/classify-and-act';
import { commandsAndButtons } from './steps/commands-and-buttons';
import { emergencyTriage } from './steps/emergency-triage';
import { floodGuardStep } from './steps/flood-guard';
import { pendingQuestion } from './steps/pending-question';
import { routingByTopic } from './steps/routing';
import { staffRelay } from './steps/staff-relay';
import { arrival, compose, handled, type Step } from './turn';
import { createSenderReader, identifySender } from './steps/identify-sender';

export interface MessagePathSettings {
  propertyName: LocalizedText;
  /** The property's 24-hour duty line; '' when not configured. */
  dutyPhone: string;
  /** A message within this time of the owner's last one on a case may add to it. */
  followUpWindowMs: number;
  /** Clarifying questions asked before an unclear message goes to a person. */
  clarificationsBeforeHandover: number;
}

export const DEFAULT_MESSAGE_PATH_SETTINGS: MessagePathSettings = {
  propertyName: { zh: '物业服务中心', en: 'the property service centre' },
  dutyPhone: '',
  followUpWindowMs: 30 * 60_000,
  clarificationsBeforeHandover: 1,
};

export interface MessagePathDeps {
  owners: OwnerService;
  understand: Understander['understand'];
  faq: FaqStore;
  cases: CasePort;
  staff: StaffPort;
  outbox: Outbox;
  states: ConversationStates;
  flood: FloodGuard;
  clock: Clock;
  logger: Logger;
  settings?: Partial<MessagePathSettings>;
  /** Questions the bot asked on its own (quarterly survey, return visit), answered as pending questions. */
  outreach?: OutreachAnswerer[];
}

/**
 * What ownerbot does with one stored owner message: the steps below, in this order, each
 * handling the message or passing it on. This array is the one statement of precedence.
 * (Storing the message, and taking an emergency ahead of every queue, happen before it, in
 * the inbound path.) A step that handles the message replies to the owner, so every message
 * gets an answer that says what happened to it.
 */
export function messagePathSteps(deps: MessagePathDeps): Step[] {
  const settings = { ...DEFAULT_MESSAGE_PATH_SETTINGS, ...deps.settings };
  const reply = createReplier(deps.outbox);
  const actions = createCaseActions({ ...deps, reply, dutyPhone: settings.dutyPhone });
  const outreach = createOutreachAnswers({
    answerers: deps.outreach ?? [],
    understand: deps.understand,
    actions,
    reply,
  });
  const classify = { actions, states: deps.states, faq: deps.faq, reply, ...settings };
  const act = createActOnIntent(classify);
  const readSender = createSenderReader(deps);
  return [
    emergencyTriage({ actions, states: deps.states, readSender }),
    floodGuardStep(deps.flood),
    identifySender(readSender),
    commandsAndButtons({
      ...deps,
      outreach,
      reply,
      propertyName: settings.propertyName,
      dutyPhone: settings.dutyPhone,
    }),
    pendingQuestion({ ...deps, outreach, actions, act, reply, ...settings }),
    staffRelay({ ...deps, reply }),
    routingByTopic({ ...deps, actions, reply, followUpWindowMs: settings.followUpWindowMs }),
    classifyAndAct({ ...classify, act }),
  ];
}

/** The message path as the inbound pipeline calls it; safe to run twice for one message (replies are keyed). */
export function createMessagePath(deps: MessagePathDeps) {
  const run = compose(messagePathSteps(deps));

  return {
    async handle(message: MessageRecord): Promise<HandlingResult> {
      const turn = arrival(message, deps.understand(message.text));
      await run(turn);
      const { understanding } = turn;
      const result = turn.result ?? handled(turn, 'unhandled');
      deps.logger.debug({ outcome: result.outcome, intent: understanding.intent }, 'Message handled');
      return {
        ...result,
        understanding: {
          intent: understanding.intent,
          confidence: understanding.confidence,
          category: understanding.category,
          emergency: understanding.emergency?.kind ?? '',
          fallback: understanding.fallback,
        },
      };
    },
  };
}

export type MessagePath = ReturnType<typeof createMessagePath>;
