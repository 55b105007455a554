import { detectEmergency } from '../../nlp';
import { detectLanguage } from '../../nlp/language';
import type { Clock } from '../../services/clock';
import { localize, type Language, type LocalizedText } from '../../services/i18n/text';
import type { Logger } from '../../services/logging/logger';
import type { MessageRecord } from '../../services/messages/message-model';
import type { Outbox } from '../../services/outbox/outbox';
import type { HandlingResult } from './inbound';

const MINUTE = 60_000;
/** At most one slow-down reply per sender in this time, whichever instance holds their messages. */
const NOTICE_PERIOD_MS = 10 * MINUTE;

export const floodTexts = {
  slowDown: {
    zh: '您好，我们已收到您的多条消息，正在处理中，无需重复发送。如有紧急情况（火情、燃气、漏水、被困电梯等），请直接说明，我们会立即处理。',
    en: 'Hello, we have received your messages and are working on them; there is no need to send them again. If this is an emergency (fire, gas, flooding, someone trapped in a lift), just say so and we will act at once.',
  },
} satisfies Record<string, LocalizedText>;

export interface FloodSettings {
  /** Messages one sender may have handled per rolling minute; the rest are held. */
  perSenderPerMinute: number;
  /** Messages per rolling minute on one channel above which every sender's allowance drops to `perSenderUnderLoad`. */
  perChannelPerMinute: number;
  perSenderUnderLoad: number;
}

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
  const settings: FloodSettings = {
    perSenderPerMinute: deps.settings?.perSenderPerMinute ?? 20,
    perChannelPerMinute: deps.settings?.perChannelPerMinute ?? 2000,
    perSenderUnderLoad: deps.settings?.perSenderUnderLoad ?? 3,
  };
  const senders = new Map<string, number[]>();
  const channels = new Map<string, number[]>();
  let calls = 0;
  /** The latest arrival time counted: senders quiet for a while before it are forgotten. */
  let latest = 0;

  /** Keeps the times within the minute before `at`, adds `at`, returns how many there are. */
  const count = (map: Map<string, number[]>, key: string, at: number): number => {
    const times = (map.get(key) ?? []).filter((t) => t > at - MINUTE);
    times.push(at);
    map.set(key, times);
    return times.length;
  };

  // A margin past the minute: a backlog is handled roughly, not exactly, in arrival order.
  const sweep = () => {
    for (const [key, times] of senders) if ((times.at(-1) ?? 0) <= latest - 5 * MINUTE) senders.delete(key);
  };

  async function hold(message: MessageRecord, scope: 'sender' | 'channel'): Promise<HandlingResult> {
    deps.onHeld?.(message.channel, scope);
    const now = deps.clock.now().getTime();
    const period = Math.floor(now / NOTICE_PERIOD_MS) * NOTICE_PERIOD_MS;
    // A sender we do not know yet: the language of their words (mixed text reads as Chinese).
    const language: Language =
      (await deps.languageOf(`${message.channel}:${message.senderId}`).catch(() => undefined)) ??
      (detectLanguage(message.text ?? '') === 'en' ? 'en' : 'zh');
    const key = `flood:${message.channel}:${message.senderId}:${new Date(period).toISOString()}`;
    // One notice per sender and period: the key makes every later enqueue a no-op.
    const { created } = await deps.outbox.enqueue({
      key,
      address: {
        channel: message.channel as never,
        conversationId: message.conversationId,
        ...(message.threadId ? { threadId: message.threadId } : {}),
      },
      purpose: 'reply',
      message: { language, text: localize(floodTexts.slowDown, language) },
    });
    if (created)
      deps.logger.warn(
        { channel: message.channel, scope, perSenderPerMinute: settings.perSenderPerMinute },
        'A sender is flooding; further messages are stored without being handled one by one',
      );
    return { outcome: 'flood_held', language };
  }

  return {
    settings,
    /** Handles the message through `next`, or holds it when its sender or channel is over the limit. */
    async handle(message: MessageRecord, next: () => Promise<HandlingResult>): Promise<HandlingResult> {
      // Counted by arrival, not by handling: a burst handled over many minutes is still a burst
      // (the backlog of a flood used to be drained slower than the channel limit, so it was never
      // seen as one). A platform clock ahead of ours counts as now.
      const now = deps.clock.now().getTime();
      const at = Math.min(message.receivedAt ? new Date(message.receivedAt).getTime() : now, now);
      latest = Math.max(latest, at);
      if (++calls % 1000 === 0) sweep();
      const onChannel = count(channels, message.channel, at);
      const bySender = count(senders, `${message.channel}:${message.senderId}`, at);
      const underLoad = onChannel > settings.perChannelPerMinute;
      const allowance = underLoad
        ? Math.min(settings.perSenderUnderLoad, settings.perSenderPerMinute)
        : settings.perSenderPerMinute;
      if (bySender <= allowance) return next();
      // Button presses are answers to our own questions, and emergencies always go through.
      if (message.action || detectEmergency(message.text ?? '')) return next();
      return hold(message, underLoad ? 'channel' : 'sender');
    },
  };
}

export type FloodGuard = ReturnType<typeof createFloodGuard>;
