import { mergeHistory } from '../../../bots/channels/web/chat-history';
import type { TranscriptRecord } from '../../../bots/channels/web/transcript-store';
import type { OwnerMessage } from '../../../services/messages/conversation-history';

const at = (minute: number) => new Date(Date.UTC(2026, 10, 22, 2, minute));
const owner = (minute: number, text: string, extra: Partial<OwnerMessage> = {}): OwnerMessage => ({
  text,
  action: '',
  attachments: [],
  receivedAt: at(minute),
  ...extra,
});
const bot = (seq: number, minute: number, text: string, buttons: TranscriptRecord['buttons'] = []) =>
  ({
    _id: `s:${seq}`,
    sessionId: 's',
    seq,
    text,
    buttons,
    at: at(minute),
    feedBucket: 0,
  }) as TranscriptRecord;

describe('mergeHistory', () => {
  it('when both sides spoke, then their lines alternate by time with the owner first on a tie', () => {
    const lines = mergeHistory(
      [owner(1, 'Kitchen leak in 3-1502'), owner(3, 'thanks')],
      [bot(1, 1, 'Case WO-1 opened'), bot(2, 4, 'You are welcome')],
      50,
    );
    expect(lines.map((l) => [l.from, l.text])).toEqual([
      ['owner', 'Kitchen leak in 3-1502'],
      ['bot', 'Case WO-1 opened'],
      ['owner', 'thanks'],
      ['bot', 'You are welcome'],
    ]);
    expect(lines[1]).toMatchObject({ seq: 1, at: at(1).toISOString() });
  });

  it('when the owner pressed a button, then the line shows the label the bot offered', () => {
    const lines = mergeHistory(
      [owner(2, '', { action: 'menu:repair' })],
      [bot(1, 1, 'How can I help?', [{ action: 'menu:repair', label: 'Report a repair' }])],
      50,
    );
    expect(lines[1]).toEqual({ from: 'owner', text: 'Report a repair', at: at(2).toISOString() });
  });

  it('when the owner sent a photo, then its upload id is listed and other references are not', () => {
    const lines = mergeHistory(
      [
        owner(1, 'see photo', {
          attachments: [
            { kind: 'photo', reference: 'upload:AAAAAAAAAAAAAAAA' },
            { kind: 'photo', reference: 'AgACAgIAAxkBAAIB' },
          ],
        }),
      ],
      [],
      50,
    );
    expect(lines[0]?.photos).toEqual(['AAAAAAAAAAAAAAAA']);
  });

  it('when there are more lines than asked, then the newest are kept; erased messages are left out', () => {
    const lines = mergeHistory(
      [owner(1, 'one'), owner(2, ''), owner(3, 'three')],
      [bot(1, 4, 'four'), bot(2, 5, 'five')],
      3,
    );
    expect(lines.map((l) => l.text)).toEqual(['three', 'four', 'five']);
  });
});
