import { detectEmergency } from '../../nlp';
import type { MessageRecord } from '../../services/messages/message-model';

export interface FloodSettings {
  /** Messages one sender may have handled per rolling minute; the rest are held. */
  perSenderPerMinute: number;
  /** Messages per rolling minute on one channel above which every sender's allowance drops to `perSenderUnderLoad`. */
  perChannelPerMinute: number;
  perSenderUnderLoad: number;
}

/** The settings given, with the defaults for the rest. */
export function floodSettingsOf(given: Partial<FloodSettings> | undefined): FloodSettings {
  return {
    perSenderPerMinute: given?.perSenderPerMinute ?? 20,
    perChannelPerMinute: given?.perChannelPerMinute ?? 2000,
    perSenderUnderLoad: given?.perSenderUnderLoad ?? 3,
  };
}

/**
 * Whether a message is handled, or held for its sender's flood or its whole channel's.
 * Within the sender's allowance (smaller while the channel floods) it is handled; over it,
 * button presses (answers to our own questions) and emergencies are still handled.
 */
export function decideFlood(
  settings: FloodSettings,
  arrivals: { onChannel: number; bySender: number },
  message: Pick<MessageRecord, 'action' | 'text'>,
): 'handle' | 'sender' | 'channel' {
  const underLoad = arrivals.onChannel > settings.perChannelPerMinute;
  const allowance = underLoad
    ? Math.min(settings.perSenderUnderLoad, settings.perSenderPerMinute)
    : settings.perSenderPerMinute;
  if (arrivals.bySender <= allowance) return 'handle';
  if (message.action || detectEmergency(message.text ?? '')) return 'handle';
  return underLoad ? 'channel' : 'sender';
}
