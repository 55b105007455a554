import type { Types } from 'mongoose';
import { DEFAULT_SLA_POLICY, type SlaClass } from '../tickets/sla';
import type { TicketRecord } from '../tickets/ticket-model';
import { BAD_COMMENTS, CAUSES, GOOD_COMMENTS, type CaseTemplate } from './demo-catalog';
import { DAY, DEMO_PREFIX, MINUTE, type DemoOwner } from './demo-context';

const FAR_FUTURE = new Date('2100-01-01T00:00:00Z');
const STAFF = ['desk:Alice', 'desk:Bob', 'desk:陈静', 'desk:刘洋'];

type Status = TicketRecord['status'];
type CaseOwner = Pick<DemoOwner, 'id' | 'building' | 'unit' | 'language' | 'mood'>;

/** When the case would be claimed and resolved, by whom, and whether the owner reopens it. */
interface CasePlan {
  assignee: string;
  ackLimit: number;
  resolveLimit: number;
  ackAt: Date;
  resolvedAt: Date;
  reopened: boolean;
}

/** How the case went up to `now`: its history and where it stands. */
interface CaseStory {
  history: TicketRecord['history'];
  status: Status;
  slaSteps: string[];
  slaRound: number;
  rating: number | null;
  comment: string;
  closedAt: Date | null;
}

function slaClassOf(template: CaseTemplate): SlaClass {
  if (template.kind === 'complaint') return 'dissatisfaction';
  return template.intent === 'help_seeking' || template.intent === 'consulting' ? template.intent : 'other';
}

function planCase(template: CaseTemplate, owner: CaseOwner, at: Date, rand: () => number): CasePlan {
  const slaClass = slaClassOf(template);
  const ackLimit = DEFAULT_SLA_POLICY.acknowledgeMinutes[slaClass];
  const resolveLimit = DEFAULT_SLA_POLICY.resolveMinutes[slaClass];
  const assignee = STAFF[Math.floor(rand() * STAFF.length)] as string;
  // Most cases are taken on in time; one in eight is late, some very late.
  const ackMinutes = ackLimit * (rand() < 0.12 ? 1.1 + rand() * 3 : 0.1 + rand() * 0.8);
  // A few cases get stuck for weeks (waiting for parts, a contractor): the open-case ages.
  const stuck = rand() < 0.04;
  const resolveMinutes = stuck
    ? (2 + rand() * 60) * 1440
    : Math.max(ackMinutes + 5, resolveLimit * (rand() < 0.15 ? 1.05 + rand() * 2 : 0.1 + rand() * 0.85));
  return {
    assignee,
    ackLimit,
    resolveLimit,
    ackAt: new Date(at.getTime() + ackMinutes * MINUTE),
    resolvedAt: new Date(at.getTime() + resolveMinutes * MINUTE),
    reopened: rand() < (owner.mood < 0 ? 0.15 : 0.03),
  };
}

/** Plays the plan forward to `now`: SLA escalations, claim, resolution, a reopening, the return visit. */
function tellCase(plan: CasePlan, owner: CaseOwner, at: Date, now: number, rand: () => number): CaseStory {
  const { assignee, ackAt, resolvedAt } = plan;
  const story: CaseStory = {
    history: [{ seq: 0, at, actor: 'bot', action: 'received', from: '', to: 'new', note: '' }],
    status: 'new',
    slaSteps: [],
    slaRound: 0,
    rating: null,
    comment: '',
    closedAt: null,
  };
  const push = (when: Date, actor: string, action: string, to: Status | '', note = '') => {
    story.history.push({ seq: story.history.length, at: when, actor, action, from: story.status, to, note });
    if (to) story.status = to;
  };
  const escalate = (deadline: 'acknowledge' | 'resolve', limit: number) => {
    const dueAt = new Date(at.getTime() + limit * MINUTE);
    if (dueAt.getTime() >= now) return;
    story.slaSteps.push(`${deadline}:escalation:1`);
    push(dueAt, 'sla', 'sla_escalation', '', `${deadline}:escalation:1 -> desk`);
  };
  const ackDue = at.getTime() + plan.ackLimit * MINUTE;
  if (now > ackDue && ackAt.getTime() > ackDue) escalate('acknowledge', plan.ackLimit);
  if (ackAt.getTime() <= now) push(ackAt, assignee, 'claimed', 'claimed');
  if (resolvedAt.getTime() > at.getTime() + plan.resolveLimit * MINUTE)
    escalate('resolve', plan.resolveLimit);
  const resolved = resolvedAt.getTime() <= now;
  if (resolved) push(resolvedAt, assignee, 'resolved', 'resolved');
  if (resolved && plan.reopened && resolvedAt.getTime() + DAY <= now) {
    push(new Date(resolvedAt.getTime() + DAY), 'owner', 'reopened', 'reopened', 'still broken');
    story.slaRound = 1;
    const again = new Date(resolvedAt.getTime() + 2 * DAY);
    if (again.getTime() <= now) push(again, assignee, 'resolved', 'resolved');
  }
  const visitAt = new Date(resolvedAt.getTime() + 2 * DAY + (story.slaRound ? DAY : 0));
  if (story.status === 'resolved' && visitAt.getTime() <= now) {
    push(visitAt, assignee, 'return_visit', 'return_visit');
    if (rand() < 0.7) {
      const rating = Math.round(4 + owner.mood * 0.8 - story.slaRound + (rand() - 0.5) * 2);
      story.rating = Math.max(1, Math.min(5, rating));
      const comments = story.rating <= 2 ? BAD_COMMENTS : GOOD_COMMENTS;
      story.comment = comments[Math.floor(rand() * comments.length)] as string;
      push(visitAt, 'owner', 'return_visit_recorded', '');
    }
    push(visitAt, assignee, 'closed', 'closed');
    story.closedAt = visitAt;
  }
  return story;
}

/** A case as the ticket service would have left it, with a plausible history. */
export function demoTicket(input: {
  id: Types.ObjectId;
  reference: string;
  origin: string;
  template: CaseTemplate;
  owner: CaseOwner;
  at: Date;
  now: Date;
  quarter: string;
  month: string;
  rand: () => number;
}): Omit<TicketRecord, 'createdAt' | 'updatedAt'> & { createdAt: Date; updatedAt: Date } {
  const { template, owner, at, rand } = input;
  const plan = planCase(template, owner, at, rand);
  const story = tellCase(plan, owner, at, input.now.getTime(), rand);
  const { history, status } = story;
  const complaint = template.kind === 'complaint';
  const resolved = plan.resolvedAt.getTime() <= input.now.getTime();
  const summary = complaint && resolved ? (CAUSES[Math.floor(rand() * CAUSES.length)] ?? null) : null;
  const claimed = history.some((h) => h.action === 'claimed');
  const text = owner.language === 'en' ? template.en : template.zh;
  return {
    _id: input.id,
    reference: input.reference,
    origin: input.origin,
    kind: template.kind,
    slaClass: slaClassOf(template),
    intent: template.intent,
    category: template.category,
    emergencyKind: '',
    priority: complaint ? 'high' : 'normal',
    ownerId: owner.id,
    identityKey: `${DEMO_PREFIX}${owner.id}`,
    verified: true,
    address: { channel: 'web', conversationId: `demo-${owner.id}`, threadId: '' },
    language: owner.language,
    building: owner.building,
    unit: owner.unit,
    title: text,
    messages: [{ at, from: 'owner', text, messageKey: input.origin, attachments: [] }],
    status,
    assignee: claimed ? plan.assignee : '',
    assigneeName: claimed ? plan.assignee.slice('desk:'.length) : '',
    pendingHandover: null,
    history,
    summary,
    acknowledgedAt: claimed ? plan.ackAt : null,
    resolvedAt: status === 'reopened' ? null : (history.findLast((h) => h.action === 'resolved')?.at ?? null),
    closedAt: story.closedAt,
    slaStartedAt: at,
    slaRound: story.slaRound,
    slaSteps: story.slaSteps,
    escalationLevel: story.slaSteps.length ? 1 : 0,
    // Demo cases never reach the SLA schedule: nobody should be paged about fiction.
    slaCheckAt: FAR_FUTURE,
    lastOwnerMessageAt: at,
    staffThread: null,
    returnVisit: {
      rating: story.rating,
      comment: story.comment,
      at: story.rating === null ? null : story.closedAt,
    },
    version: 0,
    quarter: input.quarter,
    month: input.month,
    createdAt: at,
    updatedAt: history[history.length - 1]?.at ?? at,
  };
}
