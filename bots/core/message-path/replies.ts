import { chineseScript } from '../../../nlp';
import type { Button, OutboundMessage } from '../../../services/channels/types';
import { conversationTexts as texts } from '../../../services/i18n/conversation';
import { outboundInScript } from '../../../services/i18n/script';
import { localize, type Language, type LocalizedText } from '../../../services/i18n/text';
import type { Outbox } from '../../../services/outbox/outbox';
import type { OutboxPurpose } from '../../../services/outbox/outbox-model';
import { ACTIONS } from '../commands';
import type { Turn } from './turn';

/** A catalog text in the reader's language, with its values and buttons. */
export function say(
  language: Language,
  text: LocalizedText,
  values: Record<string, string | number> = {},
  buttons?: Button[],
): OutboundMessage {
  return { text: localize(text, language, values), language, ...(buttons ? { buttons } : {}) };
}

/** The main menu: what owners can start with, on every channel (a numbered list where there are no buttons). */
export function menuButtons(language: Language): Button[] {
  return [
    { action: ACTIONS.repair, label: localize(texts.menuRepair, language) },
    { action: ACTIONS.question, label: localize(texts.menuQuestion, language) },
    { action: ACTIONS.complaint, label: localize(texts.menuComplaint, language) },
    { action: ACTIONS.myCases, label: localize(texts.menuMyCases, language) },
    { action: ACTIONS.language, label: localize(texts.menuLanguage, language) },
  ];
}

export function clarifyButtons(language: Language): Button[] {
  return [
    { action: ACTIONS.clarifyRepair, label: localize(texts.clarifyRepair, language) },
    { action: ACTIONS.clarifyQuestion, label: localize(texts.clarifyQuestion, language) },
    { action: ACTIONS.clarifyComplaint, label: localize(texts.clarifyComplaint, language) },
  ];
}

/** The outbox key of the turn's reply `part`: one reply per message and part, however often it is handled. */
export function replyKey(turn: Turn, part: string): string {
  return `reply:${turn.message.key}:${part}`;
}

/** The one place an owner's reply is rendered: in Traditional characters for an owner who wrote so. */
export function rendered(turn: Turn, outbound: OutboundMessage): OutboundMessage {
  return outboundInScript(outbound, chineseScript(turn.message.text));
}

/**
 * Replies to the turn's owner through the outbox, keyed by the message and `part`, so
 * handling a message twice never replies twice.
 */
export function createReplier(outbox: Outbox) {
  return async function reply(
    turn: Turn,
    part: string,
    outbound: OutboundMessage,
    options: { caseId?: string; purpose?: OutboxPurpose; urgent?: boolean; keptOnCase?: boolean } = {},
  ): Promise<void> {
    await outbox.enqueue({
      key: replyKey(turn, part),
      address: turn.identity.address,
      message: rendered(turn, outbound),
      purpose: options.purpose ?? 'reply',
      ...(turn.identity.ownerId ? { ownerId: turn.identity.ownerId } : {}),
      ...(options.caseId ? { caseId: options.caseId } : {}),
      ...(options.urgent ? { urgent: true } : {}),
      ...(options.keptOnCase ? { keptOnCase: true } : {}),
    });
  };
}

export type Reply = ReturnType<typeof createReplier>;
