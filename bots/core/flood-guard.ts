import type { Clock } from '../../services/clock';
import type { Language } from '../../services/i18n/text';
import type { Logger } from '../../services/logging/logger';
import type { HandlingResult } from '../../services/messages/handling-lease';
import type { MessageRecord } from '../../services/messages/message-model';
import type { Outbox } from '../../services/outbox/outbox';
import { countArrival, newArrivalCounts } from './flood-counts';
import { decideFlood, floodSettingsOf, type FloodSettings } from './flood-decision';
import { holdFlooded } from './flood-notice';

export { floodTexts } from '../../services/i18n/flood';
export type { FloodSettings } from './flood-decision';

/**
 * Per-sender and per-channel flood limits in front of the dialog, counted by when messages
 * arrived (`receivedAt`), so a backlog is judged as it was sent. A sender over their
 * allowance has the rest of their messages stored but not handled one by one (outcome
 * `flood_held`: no classification, no case, no reply each) and gets one polite slow-down
 * reply in their language per ten minutes. Emergencies are never held. When a whole
 * channel floods, every sender's allowance shrinks, so a thousand owners still each get
 * their first messages handled. Counts are per instance (handling of one sender runs on
 * one instance at a time); the reply is keyed, so several instances still send one.
 */
export function createFloodGuard(deps: {
  outbox: Outbox;
  clock: Clock;
  logger: Logger;
  /** The owner's language, when the channel user is known. */
  languageOf: (identityKey: string) => Promise<Language | undefined>;
  settings?: Partial<FloodSettings>;
  onHeld?: (channel: string, scope: 'sender' | 'channel') => void;
}) {
  const settings: FloodSettings = floodSettingsOf(deps.settings);
  const counts = newArrivalCounts();
  const notice = { ...deps, perSenderPerMinute: settings.perSenderPerMinute };

  return {
    settings,
    /** Handles the message through `next`, or holds it when its sender or channel is over the limit. */
    async handle(message: MessageRecord, next: () => Promise<HandlingResult>): Promise<HandlingResult> {
      // Counted by arrival, not by handling: a burst handled over many minutes is still a burst.
      // A platform clock ahead of ours counts as now.
      const now = deps.clock.now().getTime();
      const at = Math.min(message.receivedAt ? new Date(message.receivedAt).getTime() : now, now);
      const arrivals = countArrival(counts, message.channel, `${message.channel}:${message.senderId}`, at);
      const decision = decideFlood(settings, arrivals, message);
      return decision === 'handle' ? next() : holdFlooded(notice, message, decision);
    },
  };
}

export type FloodGuard = ReturnType<typeof createFloodGuard>;
