import { decideFlood, floodSettingsOf } from '../../../bots/core/flood-decision';

const settings = floodSettingsOf({ perSenderPerMinute: 20, perChannelPerMinute: 100, perSenderUnderLoad: 3 });
const leak = { action: '', text: 'The kitchen tap is leaking, please send a plumber' };

describe('the flood decision', () => {
  it('when no settings are given, then the defaults apply', () => {
    expect(floodSettingsOf(undefined)).toEqual({
      perSenderPerMinute: 20,
      perChannelPerMinute: 2000,
      perSenderUnderLoad: 3,
    });
  });

  it('when a sender is within their allowance, then the message is handled, and the next one is held for them', () => {
    expect(decideFlood(settings, { onChannel: 50, bySender: 20 }, leak)).toBe('handle');
    expect(decideFlood(settings, { onChannel: 50, bySender: 21 }, leak)).toBe('sender');
  });

  it('when the channel floods, then every sender’s allowance shrinks and the hold is the channel’s', () => {
    expect(decideFlood(settings, { onChannel: 101, bySender: 3 }, leak)).toBe('handle');
    expect(decideFlood(settings, { onChannel: 101, bySender: 4 }, leak)).toBe('channel');
  });

  it('when a sender over the limit presses a button or reports an emergency, then it is handled', () => {
    const over = { onChannel: 50, bySender: 200 };
    expect(decideFlood(settings, over, { ...leak, action: 'survey:1:5' })).toBe('handle');
    const fire = { action: '', text: 'Fire! There is smoke coming out of the electrical room on floor 2' };
    expect(decideFlood(settings, over, fire)).toBe('handle');
  });
});
