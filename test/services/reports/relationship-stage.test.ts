import { relationshipStage, type OwnerFacts } from '../../../services/reports/relationship-stage';

const NOW = new Date('2026-12-01T00:00:00Z');
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000);
const facts = (overrides: Partial<OwnerFacts>): OwnerFacts => ({
  since: daysAgo(500),
  latestScore: null,
  previousScore: null,
  complaints90d: 0,
  complaints180d: 0,
  reopened180d: 0,
  ...overrides,
});

describe('owner relationship stage', () => {
  it('when an owner was recorded 100 days ago with nothing against them, then they are in investigation (tenure 100)', () => {
    expect(relationshipStage(facts({ since: daysAgo(100), latestScore: 5 }), NOW)).toEqual({
      stage: 'investigation',
      reasons: [],
      tenureDays: 100,
    });
  });

  it('when an owner of 179 days answered 4, then investigation; at 180 days, formation (under a year)', () => {
    expect(relationshipStage(facts({ since: daysAgo(179), latestScore: 4 }), NOW).stage).toBe(
      'investigation',
    );
    expect(relationshipStage(facts({ since: daysAgo(180), latestScore: 4 }), NOW).stage).toBe('formation');
  });

  it('when an owner of 400 days scores 4 and has not complained for 180 days, then stability; one complaint in 180 days makes it formation', () => {
    expect(
      relationshipStage(facts({ since: daysAgo(400), latestScore: 4, previousScore: 4 }), NOW).stage,
    ).toBe('stability');
    expect(relationshipStage(facts({ since: daysAgo(400), latestScore: null }), NOW).stage).toBe('stability');
    expect(
      relationshipStage(facts({ since: daysAgo(400), latestScore: 4, complaints180d: 1 }), NOW).stage,
    ).toBe('formation');
    expect(relationshipStage(facts({ since: daysAgo(400), latestScore: 3 }), NOW).stage).toBe('formation');
  });

  it('when the overall score fell from 4 to 3, then degradation for "satisfaction_drop" only (3 is not low)', () => {
    expect(relationshipStage(facts({ latestScore: 3, previousScore: 4 }), NOW)).toEqual({
      stage: 'degradation',
      reasons: ['satisfaction_drop'],
      tenureDays: 500,
    });
  });

  it('when a score of 2 followed 4, two complaints came in 90 days and a case was reopened, then every reason is named', () => {
    expect(
      relationshipStage(
        facts({
          since: daysAgo(30),
          latestScore: 2,
          previousScore: 4,
          complaints90d: 2,
          complaints180d: 3,
          reopened180d: 1,
        }),
        NOW,
      ),
    ).toEqual({
      stage: 'degradation',
      reasons: ['satisfaction_drop', 'low_satisfaction', 'frequent_complaints', 'reopened_cases'],
      tenureDays: 30,
    });
  });

  it('when one complaint came in 90 days and the score rose, then no risk reason holds', () => {
    const result = relationshipStage(
      facts({ latestScore: 4, previousScore: 3, complaints90d: 1, complaints180d: 1 }),
      NOW,
    );
    expect(result.reasons).toEqual([]);
    expect(result.stage).toBe('formation');
  });
});
