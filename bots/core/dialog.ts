import { chineseScript, type Understanding } from '../../nlp';
import type { Address, Button, OutboundMessage } from '../../services/channels/types';
import type { Clock } from '../../services/clock';
import type { ConversationStates } from '../../services/conversations/conversation-state';
import { outboundInScript } from '../../services/i18n/script';
import { localize, type Language, type LocalizedText } from '../../services/i18n/text';
import { understandingTexts } from '../../services/i18n/understanding';
import type { FaqStore } from '../../services/knowledge/faq-store';
import type { Logger } from '../../services/logging/logger';
import type { MessageRecord } from '../../services/messages/message-model';
import type { Outbox } from '../../services/outbox/outbox';
import type { OutboxPurpose } from '../../services/outbox/outbox-model';
import { bindingReply } from '../../services/i18n/binding';
import type { BindingResult, OwnerService } from '../../services/owners/owner-service';
import type { Identity } from '../../services/owners/owner-model';
import { choiceFromNumber } from '../../services/channels/render';
import type { OutreachAnswerer, OutreachReply } from '../../services/surveys/outreach-answer';
import { ACTIONS, parseCommand, type OwnerCommand } from './commands';
import type { HandlingResult } from './inbound';
import { safetyAdvice, texts } from '../../services/i18n/conversation';

/** The kinds of case the dialog opens. */
export type CaseKind = 'work_order' | 'complaint' | 'consulting' | 'suggestion' | 'emergency';

/** A case as the dialog needs to see it. */
export interface CaseView {
  id: string;
  reference: string;
  kind: CaseKind;
  status: string;
  /** True while a staff member owns it (claimed or in progress): the bot relays instead of answering. */
  heldByStaff: boolean;
  createdAt: Date;
  lastOwnerMessageAt: Date;
  title: string;
  /** Minutes until the acknowledgement target, as promised to the owner. */
  acknowledgeWithinMinutes: number;
  intent: string;
  category: string;
  /** '' unless an emergency. */
  emergencyKind: string;
  channel: string;
}

export interface OpenCaseInput {
  kind: CaseKind;
  understanding: Understanding;
  identity: Identity;
  language: Language;
  message: MessageRecord;
}

/** The tickets service as the dialog uses it (see bots/core/cases.ts for the real one). */
export interface CasePort {
  /** Opens a case for the message; idempotent on the message, so a retried handling opens none twice. */
  open(input: OpenCaseInput): Promise<CaseView>;
  /** The owner's latest case that is not closed, if any. */
  latestOpen(identity: Identity): Promise<CaseView | undefined>;
  /** All of the owner's open cases, newest first. */
  listOpen(identity: Identity): Promise<CaseView[]>;
  /** Adds an owner's follow-up to a case (idempotent on the message). */
  addOwnerMessage(caseId: string, message: MessageRecord): Promise<void>;
}

/** Where staff hear about cases: the Slack desk or the web desk implement it. */
export interface StaffPort {
  /** A case needs staff now (new consulting question, complaint, emergency, hand-over). */
  escalate(event: { caseView: CaseView; urgent: boolean; reason: string; identity: Identity }): Promise<void>;
  /** The owner wrote about a case a staff member holds. */
  relay(event: { caseView: CaseView; text: string; identity: Identity; messageKey: string }): Promise<void>;
}

export interface DialogSettings {
  propertyName: LocalizedText;
  /** The property's 24-hour duty line; '' when not configured. */
  dutyPhone: string;
  /** Follow-ups within this time after the owner's last message attach to their open case. */
  followUpWindowMs: number;
  /** At most one "added to your case" acknowledgement per this interval. */
  followUpAckIntervalMs: number;
  /** Clarifying questions asked before an unclear message goes to a person. */
  clarificationsBeforeHandover: number;
}

export const DEFAULT_DIALOG_SETTINGS: DialogSettings = {
  propertyName: { zh: '物业服务中心', en: 'the property service centre' },
  dutyPhone: '',
  followUpWindowMs: 30 * 60_000,
  followUpAckIntervalMs: 10 * 60_000,
  clarificationsBeforeHandover: 1,
};

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

/** The pending choice that sends the owner's next message straight to a person. */
const PERSON_CHOICE = 'person';

/** The kind of case a message opens when it goes to a person with its intent as classified. */
function caseKindOf(intent: Understanding['intent']): CaseKind {
  if (intent === 'help_seeking') return 'work_order';
  if (intent === 'dissatisfaction') return 'complaint';
  return 'consulting';
}

export interface DialogDeps {
  owners: OwnerService;
  understand(text: string): Understanding;
  faq: FaqStore;
  cases: CasePort;
  staff: StaffPort;
  outbox: Outbox;
  states: ConversationStates;
  clock: Clock;
  logger: Logger;
  settings?: Partial<DialogSettings>;
  /** Questions the bot asked on its own (quarterly survey, return visit): answered as pending questions. */
  outreach?: OutreachAnswerer[];
}

/** Text the owner might write that only greets, thanks or acknowledges. */
const THANKS = /^(thanks?|thank you|thx|ty|多谢|谢谢|谢了|感谢|辛苦了)/i;
const GREETING = /^(hi|hello|hey|good (morning|afternoon|evening)|你好|您好|在吗|在不在|hello\?)/i;

function formatEta(minutes: number, language: Language): string {
  if (minutes < 60) return language === 'zh' ? `${minutes} 分钟` : `${minutes} minutes`;
  const hours = Math.round(minutes / 60);
  if (language === 'zh') return `${hours} 小时`;
  return hours === 1 ? '1 hour' : `${hours} hours`;
}

/**
 * The conversation core: what the bot does with one stored owner message. Precedence:
 * emergencies first (never gated on anything), then a pending question (binding,
 * clarification), commands, a case a staff member holds (relay), a follow-up to a recent
 * case, and only then classification. Every reply goes through the outbox under a key
 * derived from the message, so handling a message twice never replies twice.
 */
export function createDialog(deps: DialogDeps) {
  const settings: DialogSettings = { ...DEFAULT_DIALOG_SETTINGS, ...deps.settings };
  const log = deps.logger.child({ component: 'dialog' });

  function ownerAddress(identity: Identity): Address {
    return identity.address;
  }

  async function reply(
    message: MessageRecord,
    identity: Identity,
    part: string,
    outbound: OutboundMessage,
    purpose: OutboxPurpose = 'reply',
    caseId?: string,
  ): Promise<void> {
    await deps.outbox.enqueue({
      key: `reply:${message.key}:${part}`,
      address: ownerAddress(identity),
      // The one place a reply to an owner is rendered: in Traditional characters for an owner who wrote so.
      message: outboundInScript(outbound, chineseScript(message.text)),
      purpose,
      ...(identity.ownerId ? { ownerId: identity.ownerId } : {}),
      ...(caseId ? { caseId } : {}),
    });
  }

  function say(
    language: Language,
    text: LocalizedText,
    values: Record<string, string | number> = {},
    buttons?: Button[],
  ): OutboundMessage {
    return { text: localize(text, language, values), language, ...(buttons ? { buttons } : {}) };
  }

  function menuButtons(language: Language): Button[] {
    return [
      { action: ACTIONS.repair, label: localize(texts.menuRepair, language) },
      { action: ACTIONS.question, label: localize(texts.menuQuestion, language) },
      { action: ACTIONS.complaint, label: localize(texts.menuComplaint, language) },
      { action: ACTIONS.myCases, label: localize(texts.menuMyCases, language) },
      { action: ACTIONS.language, label: localize(texts.menuLanguage, language) },
    ];
  }

  function clarifyButtons(language: Language): Button[] {
    return [
      { action: ACTIONS.clarifyRepair, label: localize(texts.clarifyRepair, language) },
      { action: ACTIONS.clarifyQuestion, label: localize(texts.clarifyQuestion, language) },
      { action: ACTIONS.clarifyComplaint, label: localize(texts.clarifyComplaint, language) },
    ];
  }

  async function sendBinding(
    message: MessageRecord,
    identity: Identity,
    language: Language,
    result: BindingResult,
  ): Promise<HandlingResult> {
    const { text, values } = bindingReply(result, language, deps.clock.now());
    await reply(message, identity, 'binding', say(language, text, values));
    return { outcome: `binding_${result.outcome}`, identityId: identity.id, language };
  }

  async function openAndTell(
    message: MessageRecord,
    identity: Identity,
    language: Language,
    understanding: Understanding,
    kind: CaseKind,
  ): Promise<HandlingResult> {
    const caseView = await deps.cases.open({ kind, understanding, identity, language, message });
    const eta = formatEta(caseView.acknowledgeWithinMinutes, language);
    const values = { reference: caseView.reference, eta };
    switch (kind) {
      case 'emergency': {
        const emergencyKind = understanding.emergency?.kind ?? 'other';
        await deps.staff.escalate({ caseView, urgent: true, reason: `emergency:${emergencyKind}`, identity });
        const advice = safetyAdvice[emergencyKind] ?? (safetyAdvice.other as LocalizedText);
        await reply(
          message,
          identity,
          'case',
          say(language, texts.emergencyOpened, {
            ...values,
            emergencyNumber: EMERGENCY_NUMBERS[emergencyKind] ?? '110',
            dutyLine: settings.dutyPhone
              ? localize(texts.dutyLine, language, { dutyPhone: settings.dutyPhone })
              : '',
            advice: localize(advice, language),
          }),
          'reply',
          caseView.id,
        );
        break;
      }
      case 'complaint':
        await deps.staff.escalate({ caseView, urgent: false, reason: 'complaint', identity });
        await reply(
          message,
          identity,
          'case',
          say(language, texts.complaintApology, values),
          'reply',
          caseView.id,
        );
        break;
      case 'consulting':
        await deps.staff.escalate({ caseView, urgent: false, reason: 'question_for_staff', identity });
        await reply(
          message,
          identity,
          'case',
          say(language, texts.questionForwarded, values),
          'reply',
          caseView.id,
        );
        break;
      case 'suggestion':
        await reply(
          message,
          identity,
          'case',
          say(language, texts.suggestionThanks, values),
          'reply',
          caseView.id,
        );
        break;
      case 'work_order':
        await deps.staff.escalate({ caseView, urgent: false, reason: 'work_order', identity });
        await reply(
          message,
          identity,
          'case',
          say(language, texts.workOrderOpened, values),
          'reply',
          caseView.id,
        );
        break;
    }
    return {
      outcome: kind === 'emergency' ? 'emergency_escalated' : `case_opened_${kind}`,
      identityId: identity.id,
      caseId: caseView.id,
      language,
    };
  }

  async function handOver(
    message: MessageRecord,
    identity: Identity,
    language: Language,
    understanding: Understanding,
    reason = 'bot_did_not_understand',
    kind: CaseKind = 'consulting',
  ): Promise<HandlingResult> {
    const caseView = await deps.cases.open({ kind, understanding, identity, language, message });
    await deps.staff.escalate({ caseView, urgent: false, reason, identity });
    await reply(
      message,
      identity,
      'handover',
      say(language, texts.handedToHuman, { reference: caseView.reference }),
      'reply',
      caseView.id,
    );
    await deps.states.clearPending(identity.key, { resetClarifications: true });
    return { outcome: 'handed_over', identityId: identity.id, caseId: caseView.id, language };
  }

  /**
   * A request for a person ("人工", "agent") is not a case of its own: it goes to the owner's
   * open case, or the bot asks what it is about and the next message goes to a person.
   */
  async function askedForPerson(
    message: MessageRecord,
    identity: Identity,
    language: Language,
  ): Promise<HandlingResult> {
    const latest = await deps.cases.latestOpen(identity);
    if (!latest) {
      await deps.states.ask(identity.key, { kind: 'choice', choices: [PERSON_CHOICE], text: '' });
      await reply(message, identity, 'handover', say(language, understandingTexts.askWhatForPerson));
      return { outcome: 'asked_what_for_person', identityId: identity.id, language };
    }
    await deps.cases.addOwnerMessage(latest.id, message);
    if (latest.heldByStaff) {
      await deps.staff.relay({ caseView: latest, text: message.text, identity, messageKey: message.key });
    } else {
      await deps.staff.escalate({
        caseView: latest,
        urgent: false,
        reason: 'owner_asked_for_person',
        identity,
      });
    }
    await reply(
      message,
      identity,
      'handover',
      say(language, texts.handedToHuman, { reference: latest.reference }),
      'reply',
      latest.id,
    );
    return { outcome: 'handed_over', identityId: identity.id, caseId: latest.id, language };
  }

  /** No emergency was declared, but the learned score is borderline: a person looks at once. */
  async function reviewNow(
    message: MessageRecord,
    identity: Identity,
    language: Language,
    understanding: Understanding,
  ): Promise<HandlingResult> {
    const caseView = await deps.cases.open({
      kind: caseKindOf(understanding.intent),
      understanding,
      identity,
      language,
      message,
    });
    await deps.staff.escalate({ caseView, urgent: true, reason: 'possible_emergency', identity });
    await reply(
      message,
      identity,
      'case',
      say(language, understandingTexts.possibleEmergency, { reference: caseView.reference }),
      'reply',
      caseView.id,
    );
    return { outcome: 'urgent_review', identityId: identity.id, caseId: caseView.id, language };
  }

  /** Acts on a message whose intent is settled (classified, chosen from a menu, or clarified). */
  async function act(
    message: MessageRecord,
    identity: Identity,
    language: Language,
    understanding: Understanding,
  ): Promise<HandlingResult> {
    switch (understanding.intent) {
      case 'help_seeking':
        return openAndTell(message, identity, language, understanding, 'work_order');
      case 'dissatisfaction':
        return openAndTell(message, identity, language, understanding, 'complaint');
      case 'consulting': {
        if (isSuggestion(understanding.text))
          return openAndTell(message, identity, language, understanding, 'suggestion');
        const { index, source } = await deps.faq.active();
        // A question naming a danger ("what if I smell gas?") is answered by a person, never the FAQ.
        const match =
          understanding.dangerWords.length > 0 ? undefined : index.answer(understanding.text, language);
        if (match) {
          const answer = source === 'sample' ? understandingTexts.faqSampleAnswer : texts.faqAnswer;
          await reply(message, identity, 'faq', say(language, answer, { answer: match.answer }));
          return { outcome: 'faq_answer', identityId: identity.id, language };
        }
        return openAndTell(message, identity, language, understanding, 'consulting');
      }
      case 'other': {
        // Danger words never get small talk or "not our business": a person reads them.
        if (understanding.dangerWords.length > 0)
          return handOver(message, identity, language, understanding, 'danger_words');
        const text = understanding.text.trim();
        const answer = THANKS.test(text)
          ? texts.thanksReply
          : GREETING.test(text)
            ? texts.greetingReply
            : text.length <= 12
              ? texts.acknowledgeReply
              : texts.outOfScope;
        await reply(
          message,
          identity,
          'other',
          say(language, answer, {}, answer === texts.outOfScope ? menuButtons(language) : undefined),
        );
        return { outcome: 'small_talk', identityId: identity.id, language };
      }
    }
  }

  async function runCommand(
    command: OwnerCommand,
    message: MessageRecord,
    identity: Identity,
    language: Language,
  ): Promise<HandlingResult> {
    const done = (outcome: string, lang = language): HandlingResult => ({
      outcome,
      identityId: identity.id,
      language: lang,
    });
    switch (command.kind) {
      case 'menu':
        await reply(
          message,
          identity,
          'menu',
          say(
            language,
            identity.verified
              ? texts.welcome
              : {
                  zh: `${texts.welcome.zh}\n${texts.bindInvite.zh}`,
                  en: `${texts.welcome.en}\n${texts.bindInvite.en}`,
                },
            { property: localize(settings.propertyName, language) },
            menuButtons(language),
          ),
        );
        await deps.states.ask(identity.key, {
          kind: 'menu',
          choices: menuButtons(language).map((button) => button.action),
          text: '',
        });
        return done('menu');
      case 'my_cases': {
        const open = await deps.cases.listOpen(identity);
        if (open.length === 0) {
          await reply(message, identity, 'cases', say(language, texts.noOpenCases));
          return done('my_cases');
        }
        const lines = open.slice(0, 10).map((c) =>
          localize(texts.caseLine, language, {
            reference: c.reference,
            status: statusName(c.status, language),
            summary: shorten(c.title, 40),
          }),
        );
        await reply(message, identity, 'cases', {
          text: [localize(texts.openCasesHeader, language), ...lines].join('\n'),
          language,
        });
        return done('my_cases');
      }
      case 'language': {
        const to: Language = command.to ?? (language === 'zh' ? 'en' : 'zh');
        await deps.owners.setLanguage(identity.id, to);
        await reply(message, identity, 'language', say(to, texts.languageSwitched));
        return done('language_switched', to);
      }
      case 'bind':
        return sendBinding(message, identity, language, await deps.owners.startBinding(identity.id));
      case 'cancel':
        await deps.states.clearPending(identity.key, { resetClarifications: true });
        if (identity.binding.step === 'awaiting_unit' || identity.binding.step === 'awaiting_phone')
          return sendBinding(message, identity, language, await deps.owners.cancelBinding(identity.id));
        await reply(message, identity, 'cancel', say(language, texts.acknowledgeReply));
        return done('cancelled');
      case 'human':
        return askedForPerson(message, identity, language);
      case 'start_intent': {
        const prompt =
          command.intent === 'help_seeking'
            ? texts.askRepair
            : command.intent === 'consulting'
              ? texts.askQuestion
              : texts.askComplaint;
        await deps.states.ask(identity.key, { kind: 'choice', choices: [command.intent], text: '' });
        await reply(message, identity, 'prompt', say(language, prompt));
        return done(`asked_${command.intent}`);
      }
    }
  }

  /**
   * An answer to a survey or return-visit question: a button of theirs always, typed text
   * only when it reads as an answer to the question asked most recently.
   */
  async function outreachAnswer(
    message: MessageRecord,
    identity: Identity,
    text: string,
  ): Promise<OutreachReply | undefined> {
    const answerers = deps.outreach ?? [];
    if (answerers.length === 0) return undefined;
    const input = { identity, text, action: message.action, messageKey: message.key, at: message.receivedAt };
    if (message.action) {
      const owner = answerers.find((answerer) => answerer.accepts(message.action));
      return owner ? owner.answer(input) : undefined;
    }
    if (text === '') return undefined;
    const pending = await Promise.all(
      answerers.map(async (answerer) => ({ answerer, since: await answerer.pendingSince(identity) })),
    );
    const newest = pending
      .filter((entry): entry is { answerer: OutreachAnswerer; since: Date } => entry.since !== undefined)
      .sort((a, b) => b.since.getTime() - a.since.getTime());
    for (const { answerer } of newest) {
      const answered = await answerer.answer(input);
      if (answered) return answered;
    }
    return undefined;
  }

  /** Sends the outreach reply; a survey comment that reads as dissatisfaction opens a complaint. */
  async function afterOutreach(
    message: MessageRecord,
    identity: Identity,
    language: Language,
    answered: OutreachReply,
  ): Promise<HandlingResult> {
    if (answered.reply) await reply(message, identity, 'outreach', answered.reply, 'reply', answered.caseId);
    if (answered.comment) {
      const understood = { ...deps.understand(answered.comment), text: answered.comment };
      // A comment that is a complaint (or a clear repair request) must not sit unread in a report.
      const kind =
        understood.intent === 'dissatisfaction'
          ? 'complaint'
          : understood.intent === 'help_seeking' && !understood.fallback
            ? 'work_order'
            : undefined;
      if (kind) {
        const opened = await openAndTell(message, identity, language, understood, kind);
        return { ...opened, outcome: `${answered.outcome}+${kind}` };
      }
    }
    return {
      outcome: answered.outcome,
      identityId: identity.id,
      language,
      ...(answered.caseId ? { caseId: answered.caseId } : {}),
    };
  }

  return {
    /** Handles one stored message; safe to call again for the same message (replies are keyed). */
    async handle(message: MessageRecord): Promise<HandlingResult> {
      const understanding = deps.understand(message.text);
      const identity = await deps.owners.identify({
        channel: message.channel as Identity['channel'],
        platformUserId: message.senderId,
        displayName: message.senderName || undefined,
        address: {
          channel: message.channel as Identity['channel'],
          conversationId: message.conversationId,
          ...(message.threadId ? { threadId: message.threadId } : {}),
        },
        languageHint: understanding.language === 'en' ? 'en' : 'zh',
        at: message.receivedAt,
      });
      const language = identity.language;
      const withUnderstanding = (result: HandlingResult): HandlingResult => ({
        ...result,
        understanding: {
          intent: understanding.intent,
          confidence: understanding.confidence,
          category: understanding.category,
          emergency: understanding.emergency?.kind ?? '',
          fallback: understanding.fallback,
        },
      });

      // 1. Emergencies are never gated: not on binding, menus or a case staff hold.
      if (understanding.emergency) {
        await deps.states.clearPending(identity.key, { resetClarifications: true });
        return withUnderstanding(await openAndTell(message, identity, language, understanding, 'emergency'));
      }

      const text = message.text.trim();
      const state = await deps.states.get(identity.key);
      // Where a channel has no buttons the menu came as a numbered list: "2" is its second button.
      const action =
        message.action ||
        (state.pending?.kind === 'menu' ? (choiceFromNumber(text, state.pending.choices) ?? '') : '');
      const command = parseCommand(text, action);
      if (command?.kind === 'cancel' || command?.kind === 'language' || command?.kind === 'menu')
        return withUnderstanding(await runCommand(command, message, identity, language));

      // 2. A pending question: the binding dialog, then a clarification or a menu choice.
      if (identity.binding.step === 'awaiting_unit')
        return sendBinding(message, identity, language, await deps.owners.submitUnit(identity.id, text));
      if (identity.binding.step === 'awaiting_phone')
        return sendBinding(
          message,
          identity,
          language,
          await deps.owners.submitPhoneDigits(identity.id, text),
        );

      // A survey or return-visit button: the owner answered the question we asked.
      if (message.action && !command) {
        const answered = await outreachAnswer(message, identity, text);
        if (answered) return withUnderstanding(await afterOutreach(message, identity, language, answered));
      }

      if (state.pending) {
        const chosen = chosenIntent(state.pending.choices, text, message.action);
        if (state.pending.kind === 'clarify') {
          await deps.states.clearPending(identity.key);
          const original = { ...deps.understand(state.pending.text), text: state.pending.text };
          if (chosen) {
            return withUnderstanding(
              await act(message, identity, language, {
                ...original,
                intent: chosen,
                fallback: false,
                confidence: 1,
              }),
            );
          }
          // The answer was not one of the choices: it may be a clearer message in itself.
          if (!understanding.fallback)
            return withUnderstanding(await act(message, identity, language, understanding));
          if (state.clarificationsAsked >= settings.clarificationsBeforeHandover)
            return withUnderstanding(await handOver(message, identity, language, understanding));
        } else if (state.pending.kind === 'choice' && text !== '' && !command) {
          // "Report a repair" was pressed, and this is the description; or, after "人工", what it is about.
          await deps.states.clearPending(identity.key);
          if (state.pending.choices[0] === PERSON_CHOICE) {
            const kind = caseKindOf(understanding.intent);
            return withUnderstanding(
              await handOver(message, identity, language, understanding, 'owner_asked_for_person', kind),
            );
          }
          const intent = state.pending.choices[0] as Understanding['intent'];
          return withUnderstanding(
            await act(message, identity, language, { ...understanding, intent, fallback: false }),
          );
        }
      }

      // A typed answer to a survey or return-visit question (a number, yes/no, the comment).
      if (!command && !message.action) {
        const answered = await outreachAnswer(message, identity, text);
        if (answered) return withUnderstanding(await afterOutreach(message, identity, language, answered));
      }

      // 3. Commands, and a request for a person in other words ("can I talk to a real person").
      if (command) return withUnderstanding(await runCommand(command, message, identity, language));
      if (understanding.handoverRequest)
        return withUnderstanding(await askedForPerson(message, identity, language));

      // 4. A case a staff member holds: relay, do not answer for them.
      const latest = await deps.cases.latestOpen(identity);
      if (latest?.heldByStaff) {
        await deps.cases.addOwnerMessage(latest.id, message);
        await deps.staff.relay({ caseView: latest, text: message.text, identity, messageKey: message.key });
        if (state.lastRelayNoticeCaseId !== latest.id) {
          await deps.states.noteRelayNotice(identity.key, latest.id);
          await reply(
            message,
            identity,
            'relay',
            say(language, texts.relayedToStaff, { reference: latest.reference }),
          );
        }
        return withUnderstanding({
          outcome: 'relayed',
          identityId: identity.id,
          caseId: latest.id,
          language,
        });
      }

      // 5. A follow-up soon after a case was opened attaches to it instead of opening another.
      const now = deps.clock.now().getTime();
      if (
        latest &&
        now - latest.lastOwnerMessageAt.getTime() <= settings.followUpWindowMs &&
        (understanding.intent !== 'other' || message.attachments.length > 0)
      ) {
        await deps.cases.addOwnerMessage(latest.id, message);
        // A follow-up the emergency score finds borderline makes its case urgent for staff.
        if (understanding.urgentReview)
          await deps.staff.escalate({
            caseView: latest,
            urgent: true,
            reason: 'possible_emergency',
            identity,
          });
        if (now - state.lastFollowUpAckAt.getTime() >= settings.followUpAckIntervalMs) {
          await deps.states.noteFollowUpAck(identity.key);
          await reply(
            message,
            identity,
            'follow-up',
            say(language, texts.followUpAttached, { reference: latest.reference }),
          );
        }
        return withUnderstanding({
          outcome: 'case_follow_up',
          identityId: identity.id,
          caseId: latest.id,
          language,
        });
      }

      // 6. Attachments with no words: ask for a description.
      if (text === '' && message.attachments.length > 0) {
        const kind = message.attachments[0]?.kind ?? 'file';
        await reply(
          message,
          identity,
          'attachment',
          say(language, texts.attachmentOnly, { kind: attachmentName(kind, language) }),
        );
        return withUnderstanding({ outcome: 'asked_description', identityId: identity.id, language });
      }

      // 7. Classification. A borderline emergency score goes to a person at once, whatever the
      // intent. Suggestions are recognised by their wording (the corpus has no such intent);
      // unsure: one clarifying question with choices, then a person.
      if (understanding.urgentReview) {
        await deps.states.clearPending(identity.key, { resetClarifications: true });
        return withUnderstanding(await reviewNow(message, identity, language, understanding));
      }
      if (isSuggestion(text) && !(understanding.intent === 'dissatisfaction' && !understanding.fallback)) {
        await deps.states.clearPending(identity.key, { resetClarifications: true });
        return withUnderstanding(await openAndTell(message, identity, language, understanding, 'suggestion'));
      }
      if (understanding.fallback && understanding.intent !== 'other') {
        if (state.clarificationsAsked >= settings.clarificationsBeforeHandover)
          return withUnderstanding(await handOver(message, identity, language, understanding));
        await deps.states.ask(
          identity.key,
          { kind: 'clarify', choices: ['help_seeking', 'consulting', 'dissatisfaction'], text: message.text },
          { countsAsClarification: true },
        );
        await reply(message, identity, 'clarify', say(language, texts.clarify, {}, clarifyButtons(language)));
        return withUnderstanding({ outcome: 'clarification_asked', identityId: identity.id, language });
      }
      await deps.states.clearPending(identity.key, { resetClarifications: true });
      const result = await act(message, identity, language, understanding);
      log.debug({ outcome: result.outcome, intent: understanding.intent }, 'Message handled');
      return withUnderstanding(result);
    },
  };
}

/** "1", a button press, or the choice's own words, mapped to the intent it offers. */
function chosenIntent(choices: string[], text: string, action: string): Understanding['intent'] | undefined {
  if (action.startsWith('clarify:')) {
    const intent = action.slice('clarify:'.length);
    if (choices.includes(intent)) return intent as Understanding['intent'];
  }
  return choiceFromNumber(text, choices) as Understanding['intent'] | undefined;
}

const SUGGESTION =
  /^(建议|我建议|suggest|i suggest|suggestion|it would be (nice|good|great) if|could you consider|希望(物业|小区)?(能|可以))/i;

function isSuggestion(text: string): boolean {
  return SUGGESTION.test(text.normalize('NFKC').trim());
}

function shorten(text: string, max: number): string {
  const chars = Array.from(text.replace(/\s+/g, ' ').trim());
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max - 1).join('')}…`;
}

const STATUS_NAMES: Record<string, LocalizedText> = {
  new: { zh: '已受理', en: 'received' },
  claimed: { zh: '已派专人', en: 'assigned' },
  in_progress: { zh: '处理中', en: 'in progress' },
  resolved: { zh: '已处理', en: 'resolved' },
  return_visit: { zh: '回访中', en: 'follow-up call' },
  reopened: { zh: '重新处理', en: 'reopened' },
};

function statusName(status: string, language: Language): string {
  const name = STATUS_NAMES[status];
  return name ? name[language] : status;
}

const ATTACHMENT_NAMES: Record<string, LocalizedText> = {
  photo: { zh: '图片', en: 'photo' },
  image: { zh: '图片', en: 'photo' },
  video: { zh: '视频', en: 'video' },
  voice: { zh: '语音', en: 'voice message' },
  audio: { zh: '语音', en: 'voice message' },
  document: { zh: '文件', en: 'file' },
  sticker: { zh: '表情', en: 'sticker' },
  location: { zh: '位置', en: 'location' },
};

function attachmentName(kind: string, language: Language): string {
  return (ATTACHMENT_NAMES[kind] ?? { zh: '文件', en: 'file' })[language];
}
