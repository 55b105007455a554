import {
  DEFAULT_SLA_POLICY,
  dueSlaSteps,
  parseSlaMinutes,
  type SlaSubject,
} from '../../../services/tickets/sla';

const opened = new Date('2026-11-22T02:00:00Z');
const at = (minutes: number) => new Date(opened.getTime() + minutes * 60_000);
const subject = (overrides: Partial<SlaSubject> = {}): SlaSubject => ({
  slaClass: 'dissatisfaction',
  openedAt: opened,
  acknowledgedAt: null,
  settled: false,
  ...overrides,
});
const keys = (s: SlaSubject, minutes: number) => dueSlaSteps(s, at(minutes)).map((step) => step.key);

describe('SLA steps', () => {
  it('when nothing is close to a deadline, then nothing is due', () => {
    expect(keys(subject(), 23)).toEqual([]);
  });

  it('when 80% of the acknowledgement time has passed, then the desk is warned', () => {
    expect(keys(subject(), 24)).toEqual(['acknowledge:warning']);
  });

  it('when exactly at the deadline, then the first rung (desk) is due', () => {
    const steps = dueSlaSteps(subject(), at(30));
    expect(steps.map((s) => s.key)).toEqual(['acknowledge:warning', 'acknowledge:escalation:1']);
    expect(steps[1]).toMatchObject({ target: 'desk', level: 1 });
  });

  it('when a deadline passed long ago, then the ladder climbs to the manager and no further', () => {
    const steps = dueSlaSteps(subject(), at(10_000));
    expect(steps.filter((s) => s.deadline === 'acknowledge').map((s) => s.target)).toEqual([
      'desk',
      'desk',
      'supervisor',
      'manager',
    ]);
  });

  it('when the case was acknowledged, then only the resolution deadline counts', () => {
    expect(keys(subject({ acknowledgedAt: at(5) }), 100)).toEqual([]);
    expect(keys(subject({ acknowledgedAt: at(5) }), 24 * 60)).toEqual([
      'resolve:warning',
      'resolve:escalation:1',
    ]);
  });

  it('when the case is resolved or closed, then nothing is due', () => {
    expect(keys(subject({ settled: true }), 10_000)).toEqual([]);
  });

  it('when an emergency waits 5 minutes, then it is already escalated', () => {
    expect(keys(subject({ slaClass: 'emergency' }), 5)).toEqual([
      'acknowledge:warning',
      'acknowledge:escalation:1',
    ]);
  });
});

describe('SLA minutes from configuration', () => {
  it('when pairs are valid, then they override the defaults', () => {
    const { value, problems } = parseSlaMinutes(
      'emergency=3, consulting=240',
      DEFAULT_SLA_POLICY.acknowledgeMinutes,
    );
    expect(problems).toEqual([]);
    expect(value).toMatchObject({ emergency: 3, consulting: 240, dissatisfaction: 30 });
  });

  it('when a pair is wrong, then each problem is named', () => {
    const { problems } = parseSlaMinutes('fire=3,consulting=-1', DEFAULT_SLA_POLICY.acknowledgeMinutes);
    expect(problems).toEqual([
      '"fire=3": the kind must be one of emergency, dissatisfaction, help_seeking, consulting, other',
      '"consulting=-1": minutes must be a positive whole number',
    ]);
  });
});
