import { freshToken, isUsable, refreshDueAt } from '../../../services/wechat-official/token-timing';

const at = Date.parse('2026-10-01T02:00:00Z');
const record = (expiresInMs: number, refreshInMs: number) => ({
  token: 'T',
  expiresAt: new Date(at + expiresInMs),
  refreshAt: new Date(at + refreshInMs),
});

describe('access token timing', () => {
  it('when a token expires within the safety margin, then it is not usable', () => {
    expect(isUsable(record(20_000, 0), at, 15_000)).toBe(true);
    expect(isUsable(record(15_000, 0), at, 15_000)).toBe(false);
    expect(isUsable(undefined, at, 15_000)).toBe(false);
  });

  it('when a usable token is due for its early refresh, then it is no longer fresh', () => {
    expect(freshToken(record(7_200_000, 1000), at, 15_000)).toBe('T');
    expect(freshToken(record(7_200_000, 0), at, 15_000)).toBeUndefined();
    expect(freshToken(record(10_000, 60_000), at, 15_000)).toBeUndefined();
  });

  it('when a token is issued, then its refresh is due before expiry but not before a minute or half its life has passed', () => {
    // Two hours: four minutes before expiry.
    expect(refreshDueAt(at, at + 7_200_000, 240_000)).toBe(at + 7_200_000 - 240_000);
    // Five minutes: not before a minute has passed.
    expect(refreshDueAt(at, at + 300_000, 240_000)).toBe(at + 60_000);
    // Forty seconds: at half its life.
    expect(refreshDueAt(at, at + 40_000, 240_000)).toBe(at + 20_000);
  });
});
