/**
 * Service-level targets and the escalation ladder, as pure functions: what is due for a case
 * at a given time. The schedule that runs them lives in schedules/; the ticket service
 * records each applied step exactly once.
 */

/** What a target is set for: the three intents, plus emergencies, which outrank them. */
export type SlaClass = 'emergency' | 'dissatisfaction' | 'help_seeking' | 'consulting' | 'other';

export const SLA_CLASSES: readonly SlaClass[] = [
  'emergency',
  'dissatisfaction',
  'help_seeking',
  'consulting',
  'other',
];

/** Who is told when a deadline passes, in order: the desk, then a supervisor, then the manager. */
export const ESCALATION_LADDER = ['desk', 'supervisor', 'manager'] as const;
export type EscalationTarget = (typeof ESCALATION_LADDER)[number];

export interface SlaPolicy {
  /** Minutes from opening until a staff member must have claimed the case. */
  acknowledgeMinutes: Record<SlaClass, number>;
  /** Minutes from opening until the case must be resolved. */
  resolveMinutes: Record<SlaClass, number>;
  /** Warn when this share of the time has passed (0.8 = at 80%). */
  warnAt: number;
}

export const DEFAULT_SLA_POLICY: SlaPolicy = {
  acknowledgeMinutes: { emergency: 5, dissatisfaction: 30, help_seeking: 120, consulting: 480, other: 480 },
  resolveMinutes: {
    emergency: 240,
    dissatisfaction: 24 * 60,
    help_seeking: 48 * 60,
    consulting: 24 * 60,
    other: 48 * 60,
  },
  warnAt: 0.8,
};

export type Deadline = 'acknowledge' | 'resolve';

/** One step the SLA asks for: a warning before a deadline, or an escalation after it. */
export interface SlaStep {
  type: 'warning' | 'escalation';
  deadline: Deadline;
  /** 0 for the warning; 1..3 for the rungs of the ladder. */
  level: number;
  target: EscalationTarget;
  /** When the step became due. */
  dueAt: Date;
  /** Stable name of the step, for recording it once: "acknowledge:warning", "resolve:escalation:2". */
  key: string;
}

/** What the SLA needs to know about a case. */
export interface SlaSubject {
  slaClass: SlaClass;
  openedAt: Date;
  /** When a staff member claimed it; null while unclaimed. */
  acknowledgedAt: Date | null;
  /** Resolved, in return visit or closed: nothing is due any more. */
  settled: boolean;
  /**
   * How many times the case was reopened. Each reopening restarts the clock (`openedAt` is
   * then the reopening) with keys of its own ("r1:acknowledge:warning"), so staff are told
   * again instead of the outbox dropping the repeat as a duplicate.
   */
  round?: number;
}

const MINUTE = 60_000;

/** The acknowledge and resolve deadlines of a case. */
export function deadlinesOf(subject: SlaSubject, policy: SlaPolicy = DEFAULT_SLA_POLICY) {
  const opened = subject.openedAt.getTime();
  return {
    acknowledgeBy: new Date(opened + policy.acknowledgeMinutes[subject.slaClass] * MINUTE),
    resolveBy: new Date(opened + policy.resolveMinutes[subject.slaClass] * MINUTE),
  };
}

/**
 * Every SLA step due for a case at `at`, oldest first. A deadline's warning is due at
 * `warnAt` of its period; the ladder's rung n is due n periods after opening (rung 1 at the
 * deadline itself, rung 2 one period later, rung 3 another period later). Each step is due
 * from the very millisecond it names (`at >= dueAt`). The acknowledge deadline stops
 * mattering once the case is claimed; nothing is due for a settled case. Callers record
 * which keys they applied, so each step happens once.
 */
export function dueSlaSteps(
  subject: SlaSubject,
  at: Date,
  policy: SlaPolicy = DEFAULT_SLA_POLICY,
): SlaStep[] {
  if (subject.settled) return [];
  const now = at.getTime();
  const opened = subject.openedAt.getTime();
  const prefix = subject.round ? `r${subject.round}:` : '';
  const steps: SlaStep[] = [];
  const deadlines: Array<[Deadline, number]> = [];
  if (subject.acknowledgedAt === null)
    deadlines.push(['acknowledge', policy.acknowledgeMinutes[subject.slaClass]]);
  deadlines.push(['resolve', policy.resolveMinutes[subject.slaClass]]);
  for (const [deadline, minutes] of deadlines) {
    const period = minutes * MINUTE;
    const warnAt = opened + period * policy.warnAt;
    if (now >= warnAt) {
      steps.push({
        type: 'warning',
        deadline,
        level: 0,
        target: 'desk',
        dueAt: new Date(warnAt),
        key: `${prefix}${deadline}:warning`,
      });
    }
    ESCALATION_LADDER.forEach((target, index) => {
      const dueAt = opened + period * (index + 1);
      if (now >= dueAt) {
        steps.push({
          type: 'escalation',
          deadline,
          level: index + 1,
          target,
          dueAt: new Date(dueAt),
          key: `${prefix}${deadline}:escalation:${index + 1}`,
        });
      }
    });
  }
  return steps.sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
}

/**
 * Reads a policy from `KIND=MINUTES` pairs ("emergency=5,dissatisfaction=30"), on top of
 * the defaults. Returns the problems instead of throwing, for the config loader to report.
 */
export function parseSlaMinutes(
  text: string | undefined,
  defaults: Record<SlaClass, number>,
): { value: Record<SlaClass, number>; problems: string[] } {
  const value = { ...defaults };
  const problems: string[] = [];
  if (!text || text.trim() === '') return { value, problems };
  for (const pair of text.split(',')) {
    const [name, minutes] = pair.split('=').map((part) => part.trim());
    if (!name || !(SLA_CLASSES as readonly string[]).includes(name)) {
      problems.push(`"${pair.trim()}": the kind must be one of ${SLA_CLASSES.join(', ')}`);
      continue;
    }
    const number = Number(minutes);
    if (!Number.isInteger(number) || number <= 0) {
      problems.push(`"${pair.trim()}": minutes must be a positive whole number`);
      continue;
    }
    value[name as SlaClass] = number;
  }
  return { value, problems };
}
