import type { OwnerMessage } from '../../../services/messages/conversation-history';
import { uploadIdOf } from '../../../services/attachments/attachment-store';
import type { TranscriptRecord } from './transcript-store';

/** One line of a web chat as the page draws it after a reload. */
export interface HistoryEntry {
  from: 'owner' | 'bot';
  text: string;
  /** ISO time: when the owner's message arrived, or when the reply was written. */
  at: string;
  buttons?: Array<{ action: string; label: string }>;
  /** Upload ids of the owner's photos. */
  photos?: string[];
  /** The reply's event id, so the live stream continues after it. */
  seq?: number;
}

/**
 * Both sides of a conversation in the order they happened, the newest `limit` of them. A
 * button press shows as the button's label (the stored message has only its action); the
 * owner's message comes first when both sides share a millisecond.
 */
export function mergeHistory(owner: OwnerMessage[], bot: TranscriptRecord[], limit: number): HistoryEntry[] {
  const lines: Array<HistoryEntry & { time: number }> = [];
  for (const record of bot) {
    lines.push({
      from: 'bot',
      text: record.text,
      at: record.at.toISOString(),
      time: record.at.getTime(),
      ...(record.buttons.length
        ? { buttons: record.buttons.map(({ action, label }) => ({ action, label })) }
        : {}),
      seq: record.seq,
    });
  }
  for (const message of owner) {
    const time = message.receivedAt.getTime();
    const text = message.text || (message.action ? labelOf(message.action, bot, time) : '');
    const photos = message.attachments.flatMap((a) => {
      const id = a.kind === 'photo' ? uploadIdOf(a.reference) : undefined;
      return id ? [id] : [];
    });
    if (!text && photos.length === 0) continue; // erased by retention, or a label no longer known
    lines.push({
      from: 'owner',
      text,
      at: message.receivedAt.toISOString(),
      time,
      ...(photos.length ? { photos } : {}),
    });
  }
  lines.sort((a, b) => a.time - b.time || (a.from === b.from ? 0 : a.from === 'owner' ? -1 : 1));
  return lines.slice(-limit).map(({ time: _time, ...line }) => line);
}

/** The label of the newest button offering `action` before `time`; '' when none is known. */
function labelOf(action: string, bot: TranscriptRecord[], time: number): string {
  for (let i = bot.length - 1; i >= 0; i--) {
    const record = bot[i] as TranscriptRecord;
    if (record.at.getTime() > time) continue;
    const button = record.buttons.find((b) => b.action === action);
    if (button) return button.label;
  }
  return '';
}
