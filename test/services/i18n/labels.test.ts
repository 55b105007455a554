import { CATEGORIES, INTENTS } from '../../../nlp/labels';
import { CHANNEL_NAMES } from '../../../services/channels/types';
import { LABELS } from '../../../services/i18n/labels';
import { EMERGENCY_KINDS, TICKET_KINDS, TICKET_STATUSES } from '../../../services/tickets/ticket-model';

describe('labels of stored codes', () => {
  it('when staff see any intent, category, case kind, emergency kind, status or channel, then it has a label in both languages', () => {
    const codes = [
      ...INTENTS,
      ...CATEGORIES,
      ...TICKET_KINDS,
      ...EMERGENCY_KINDS,
      ...TICKET_STATUSES,
      ...CHANNEL_NAMES,
    ];
    const missing = codes.filter((code) => !LABELS[code]?.zh || !LABELS[code]?.en);
    expect(missing).toEqual([]);
  });
});
