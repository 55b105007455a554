import type { OutboundMessage } from '../channels/types';
import type { Outbox } from '../outbox/outbox';
import { OUTBOX_PURPOSES, type OutboxPurpose } from '../outbox/outbox-model';
import type { OutreachAnswerer } from '../surveys/outreach-answer';
import type { HeldMessageRecord, HeldMessages } from './held-messages';

/**
 * "好", "OK", a number: an owner answering a template's invitation, not asking anything.
 * ("开始" and "start" are the menu command, handled before outreach answers.)
 */
const START_REPLY =
  /^(好|好的|好啊|好吧|行|可以|嗯+|是|是的|收到|ok|okay|yes|y|sure|begin|go|\d{1,2})[.!。！~～]*$/i;

export function isStartReply(text: string): boolean {
  return START_REPLY.test(text.normalize('NFKC').trim());
}

/**
 * How long after the owner's own message the held ones follow it: the reply to that message
 * is queued further down the dialog (after classification, say), so a held survey question
 * queued at once could otherwise overtake it.
 */
export const FOLLOW_AFTER_MS = 3000;

const asPurpose = (purpose: string): OutboxPurpose =>
  (OUTBOX_PURPOSES as readonly string[]).includes(purpose) ? (purpose as OutboxPurpose) : 'notification';

/**
 * What happens when an owner answers a template message: their message reopened the
 * 48-hour window, so the messages the templates stood in for (a survey's first question, a
 * return visit, a notice) are delivered now, and the conversation goes on as usual. A start
 * reply ("好", "OK", a number: the owner has not seen the question, so a number cannot
 * answer it) is answered with them; any other message is handled as usual and they follow it.
 * Plugged into the dialog as an outreach answerer, so it runs after emergencies and commands.
 */
export function createTemplateFollowUp(deps: {
  held: HeldMessages;
  outbox: Pick<Outbox, 'enqueueMany'>;
}): OutreachAnswerer {
  const combined = (held: HeldMessageRecord[]): OutboundMessage => {
    const language = held.find((message) => message.language)?.language;
    return {
      text: held.map((message) => message.text).join('\n\n'),
      ...(language === 'zh' || language === 'en' ? { language } : {}),
    };
  };

  return {
    // The templates carry no buttons of their own.
    accepts: () => false,

    async pendingSince(identity) {
      if (identity.channel !== 'wechat') return undefined;
      return deps.held.heldSince(identity.address.conversationId);
    },

    async answer(input) {
      if (input.identity.channel !== 'wechat') return undefined;
      const held = await deps.held.release(input.identity.address.conversationId, input.messageKey);
      if (held.length === 0) return undefined;
      if (isStartReply(input.text)) return { outcome: 'template_follow_up', reply: combined(held) };
      // Behind the reply to the owner's own message.
      const notBefore = new Date(input.at.getTime() + FOLLOW_AFTER_MS);
      await deps.outbox.enqueueMany(
        held.map((message) => ({
          key: `held:${message._id}`,
          notBefore,
          address: input.identity.address,
          purpose: asPurpose(message.purpose),
          ...(input.identity.ownerId ? { ownerId: input.identity.ownerId } : {}),
          message: {
            text: message.text,
            ...(message.language === 'zh' || message.language === 'en' ? { language: message.language } : {}),
          },
        })),
      );
      return undefined;
    },
  };
}
