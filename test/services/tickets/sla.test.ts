import {
  DEFAULT_SLA_POLICY,
  deadlinesOf,
  dueSlaSteps,
  parseSlaMinutes,
  type SlaPolicy,
  type SlaSubject,
} from '../../../services/tickets/sla';

const opened = new Date('2026-11-22T02:00:00Z');
const MINUTE = 60_000;
const at = (minutes: number) => new Date(opened.getTime() + minutes * MINUTE);
const subject = (overrides: Partial<SlaSubject> = {}): SlaSubject => ({
  slaClass: 'dissatisfaction',
  openedAt: opened,
  acknowledgedAt: null,
  settled: false,
  ...overrides,
});
const keys = (s: SlaSubject, minutes: number, policy?: SlaPolicy) =>
  dueSlaSteps(s, at(minutes), policy).map((step) => step.key);

describe('SLA policy defaults', () => {
  it('when nothing is configured, then the targets are those of the brief', () => {
    expect(DEFAULT_SLA_POLICY.acknowledgeMinutes).toEqual({
      emergency: 5,
      dissatisfaction: 30,
      help_seeking: 120,
      consulting: 480,
      other: 480,
    });
    expect(DEFAULT_SLA_POLICY.resolveMinutes).toMatchObject({
      emergency: 240,
      dissatisfaction: 1440,
      help_seeking: 2880,
      consulting: 1440,
    });
    expect(DEFAULT_SLA_POLICY.warnAt).toBe(0.8);
  });

  it('when a case opens, then its deadlines are the targets after the opening', () => {
    expect(deadlinesOf(subject({ slaClass: 'help_seeking' }))).toEqual({
      acknowledgeBy: at(120),
      resolveBy: at(2880),
    });
  });
});

describe('SLA steps', () => {
  it('when nothing is close to a deadline, then nothing is due', () => {
    expect(keys(subject(), 0)).toEqual([]);
    expect(keys(subject(), 23)).toEqual([]);
  });

  it('when 80% of the acknowledgement time has passed, to the millisecond, then the desk is warned', () => {
    const warnAt = at(24);
    expect(dueSlaSteps(subject(), new Date(warnAt.getTime() - 1))).toEqual([]);
    expect(dueSlaSteps(subject(), warnAt)).toEqual([
      {
        type: 'warning',
        deadline: 'acknowledge',
        level: 0,
        target: 'desk',
        dueAt: warnAt,
        key: 'acknowledge:warning',
      },
    ]);
  });

  it('when exactly at the deadline, then the first rung (desk) is due; a millisecond before, not yet', () => {
    expect(dueSlaSteps(subject(), new Date(at(30).getTime() - 1)).map((s) => s.key)).toEqual([
      'acknowledge:warning',
    ]);
    const steps = dueSlaSteps(subject(), at(30));
    expect(steps.map((s) => s.key)).toEqual(['acknowledge:warning', 'acknowledge:escalation:1']);
    expect(steps[1]).toMatchObject({ type: 'escalation', target: 'desk', level: 1, dueAt: at(30) });
  });

  it('when the deadline is missed by one more period, then the supervisor; by another, the manager', () => {
    const escalations = (minutes: number) =>
      dueSlaSteps(subject(), at(minutes))
        .filter((s) => s.type === 'escalation')
        .map((s) => `${s.target}@${(s.dueAt.getTime() - opened.getTime()) / MINUTE}`);
    expect(escalations(59)).toEqual(['desk@30']);
    expect(escalations(60)).toEqual(['desk@30', 'supervisor@60']);
    expect(escalations(89)).toEqual(['desk@30', 'supervisor@60']);
    expect(escalations(90)).toEqual(['desk@30', 'supervisor@60', 'manager@90']);
  });

  it('when a deadline passed long ago, then the ladder climbs to the manager and no further', () => {
    const steps = dueSlaSteps(subject(), at(10_000));
    expect(steps.filter((s) => s.deadline === 'acknowledge').map((s) => [s.target, s.level])).toEqual([
      ['desk', 0],
      ['desk', 1],
      ['supervisor', 2],
      ['manager', 3],
    ]);
    expect(steps).toHaveLength(8); // and the same four for the resolution deadline
  });

  it('when both deadlines have steps due, then they come oldest first', () => {
    // help_seeking: acknowledge 2 h (warning 96 min), resolve 48 h (warning 38.4 h).
    const steps = dueSlaSteps(subject({ slaClass: 'help_seeking' }), at(48 * 60));
    expect(steps.map((s) => s.key)).toEqual([
      'acknowledge:warning',
      'acknowledge:escalation:1',
      'acknowledge:escalation:2',
      'acknowledge:escalation:3',
      'resolve:warning',
      'resolve:escalation:1',
    ]);
    const times = steps.map((s) => s.dueAt.getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('when the case was acknowledged, then only the resolution deadline counts, however late the acknowledgement', () => {
    const late = subject({ acknowledgedAt: at(45) });
    expect(keys(late, 100)).toEqual([]);
    expect(keys(late, 24 * 60 * 0.8)).toEqual(['resolve:warning']);
    expect(keys(late, 24 * 60)).toEqual(['resolve:warning', 'resolve:escalation:1']);
  });

  it('when the case is resolved or closed, then nothing is due', () => {
    expect(keys(subject({ settled: true }), 10_000)).toEqual([]);
    expect(keys(subject({ settled: true, acknowledgedAt: at(1) }), 10_000)).toEqual([]);
  });

  it('when an emergency waits 5 minutes, then it is already escalated; at 4 the desk was warned', () => {
    expect(keys(subject({ slaClass: 'emergency' }), 4)).toEqual(['acknowledge:warning']);
    expect(keys(subject({ slaClass: 'emergency' }), 5)).toEqual([
      'acknowledge:warning',
      'acknowledge:escalation:1',
    ]);
    expect(keys(subject({ slaClass: 'emergency' }), 15).at(-1)).toBe('acknowledge:escalation:3');
  });

  it('when a case was reopened, then its steps have keys of that round', () => {
    expect(keys(subject({ round: 2 }), 30)).toEqual([
      'r2:acknowledge:warning',
      'r2:acknowledge:escalation:1',
    ]);
    expect(keys(subject({ round: 0 }), 24)).toEqual(['acknowledge:warning']);
  });

  it('when the policy is another, then its targets and warning share are used', () => {
    const policy: SlaPolicy = {
      ...DEFAULT_SLA_POLICY,
      acknowledgeMinutes: { ...DEFAULT_SLA_POLICY.acknowledgeMinutes, dissatisfaction: 10 },
      warnAt: 0.5,
    };
    expect(keys(subject(), 5, policy)).toEqual(['acknowledge:warning']);
    expect(keys(subject(), 10, policy)).toEqual(['acknowledge:warning', 'acknowledge:escalation:1']);
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

  it('when nothing is given, then the defaults stand', () => {
    expect(parseSlaMinutes('  ', DEFAULT_SLA_POLICY.resolveMinutes)).toEqual({
      value: DEFAULT_SLA_POLICY.resolveMinutes,
      problems: [],
    });
  });

  it('when a pair is wrong, then each problem is named', () => {
    const { problems } = parseSlaMinutes(
      'fire=3,consulting=-1,other=1.5',
      DEFAULT_SLA_POLICY.acknowledgeMinutes,
    );
    expect(problems).toEqual([
      '"fire=3": the kind must be one of emergency, dissatisfaction, help_seeking, consulting, other',
      '"consulting=-1": minutes must be a positive whole number',
      '"other=1.5": minutes must be a positive whole number',
    ]);
  });
});
