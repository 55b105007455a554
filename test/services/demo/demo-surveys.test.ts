import { demoScore, quarterCampaigns } from '../../../services/demo/demo-surveys';

const DAY = 86_400_000;

describe('demo surveys', () => {
  it('when the year ends in late November, then there is one campaign per quarter that began in it, on the 10th', () => {
    const now = Date.parse('2026-11-20T05:00:00Z');
    const campaigns = quarterCampaigns(now - 365 * DAY, now, 'Asia/Shanghai');
    expect(campaigns).toEqual([
      { quarter: '2026Q1', startedAt: new Date('2026-01-10T02:00:00Z'), index: 0 },
      { quarter: '2026Q2', startedAt: new Date('2026-04-10T02:00:00Z'), index: 1 },
      { quarter: '2026Q3', startedAt: new Date('2026-07-10T02:00:00Z'), index: 2 },
      { quarter: '2026Q4', startedAt: new Date('2026-10-10T02:00:00Z'), index: 3 },
    ]);
  });

  it('when scores are drawn at the extremes of the noise, then they stay within 1-5 and unhappy owners score lower', () => {
    const question = { measure: 'perceived', dimension: 'repairs' } as Parameters<typeof demoScore>[0];
    const overall = { measure: 'overall', dimension: '' } as Parameters<typeof demoScore>[0];
    for (const noise of [0, 0.5, 0.999]) {
      for (const mood of [-1, 0, 1]) {
        for (const index of [0, 3]) {
          const score = demoScore(question, mood, index, () => noise);
          expect(score).toBeGreaterThanOrEqual(1);
          expect(score).toBeLessThanOrEqual(5);
        }
      }
    }
    expect(demoScore(overall, -1, 3, () => 0.5)).toBe(1);
    expect(demoScore(overall, 1, 3, () => 0.5)).toBe(5);
    expect(demoScore(overall, 0, 0, () => 0.5)).toBe(4);
  });
});
