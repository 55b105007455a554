import { Types, type Connection } from 'mongoose';
import type { Category, Intent } from '../../nlp/labels';
import { messageModel } from '../messages/message-model';
import { householdKey } from '../owners/household';
import { ownerModels } from '../owners/owner-model';
import {
  SURVEY_DIMENSIONS,
  surveyModels,
  type SurveyAnswerRecord,
  type SurveyDefinitionRecord,
  type SurveyResponseRecord,
} from '../surveys/survey-model';
import { DEFAULT_SLA_POLICY, type SlaClass } from '../tickets/sla';
import { periodKeys, ticketModels, type TicketKind, type TicketRecord } from '../tickets/ticket-model';

/**
 * A fictional estate, "Lakeside Garden (demo)", generated from a fixed seed: owners flagged
 * `demo`, a year of messages, the cases they opened, and a quarterly survey per quarter.
 * The demo seed command and the dashboard bench both write it, at different sizes. Writes
 * go straight to the collections in batches (insertMany), so 500,000 messages take minutes,
 * not hours; every field the models default is written explicitly.
 */

export const DEMO_ESTATE = { zh: '湖畔花园（演示数据）', en: 'Lakeside Garden (demo data)' } as const;
export const DEMO_DEFINITION_ID = 'demo-quarterly@1';
/** Marks every generated document's key, so demo data can be found and replaced. */
export const DEMO_PREFIX = 'demo:';

/** mulberry32: small, fast and deterministic. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SURNAMES = [
  '王',
  '李',
  '张',
  '刘',
  '陈',
  '杨',
  '黄',
  '赵',
  '周',
  '吴',
  '徐',
  '孙',
  '马',
  '朱',
  '胡',
  '林',
];
const GIVEN = [
  '伟',
  '芳',
  '娜',
  '敏',
  '静',
  '磊',
  '洋',
  '勇',
  '艳',
  '杰',
  '军',
  '涛',
  '明',
  '霞',
  '平',
  '刚',
];
const ENGLISH = ['Tom Reed', 'Anna Berg', 'Lucas Martin', 'Mia Chen', 'Oliver Hart', 'Sara Lind'];

interface Template {
  intent: Intent;
  kind: TicketKind;
  category: Category;
  zh: string;
  en: string;
}
const CASES: Template[] = [
  {
    intent: 'help_seeking',
    kind: 'work_order',
    category: 'equipment',
    zh: '家里水管漏水了，请派人来修',
    en: 'The pipe under my sink is leaking, please send someone',
  },
  {
    intent: 'help_seeking',
    kind: 'work_order',
    category: 'equipment',
    zh: '电梯按钮不亮了',
    en: 'The lift buttons do not light up',
  },
  {
    intent: 'help_seeking',
    kind: 'work_order',
    category: 'equipment',
    zh: '楼道灯坏了',
    en: 'The stairwell light is broken',
  },
  {
    intent: 'help_seeking',
    kind: 'work_order',
    category: 'cleaning_greening',
    zh: '垃圾房很久没清理了',
    en: 'The bin room has not been cleaned for days',
  },
  {
    intent: 'help_seeking',
    kind: 'work_order',
    category: 'parking',
    zh: '我的车位被别人占了',
    en: 'Someone is parked in my space',
  },
  {
    intent: 'consulting',
    kind: 'consulting',
    category: 'fees',
    zh: '物业费怎么交？',
    en: 'How do I pay the management fee?',
  },
  {
    intent: 'consulting',
    kind: 'consulting',
    category: 'decoration',
    zh: '装修需要办什么手续？',
    en: 'What do I need to apply for before renovating?',
  },
  {
    intent: 'dissatisfaction',
    kind: 'complaint',
    category: 'service_attitude',
    zh: '前台态度太差了',
    en: 'The receptionist was very rude to me',
  },
  {
    intent: 'dissatisfaction',
    kind: 'complaint',
    category: 'service_quality',
    zh: '报修三天了还没人来',
    en: 'I reported a repair three days ago and nobody came',
  },
  {
    intent: 'dissatisfaction',
    kind: 'complaint',
    category: 'security',
    zh: '门禁坏了一周没人管',
    en: 'The entrance gate has been broken for a week',
  },
  {
    intent: 'dissatisfaction',
    kind: 'complaint',
    category: 'cleaning_greening',
    zh: '草坪一个月没修剪了',
    en: 'The lawn has not been mowed for a month',
  },
  {
    intent: 'other',
    kind: 'suggestion',
    category: 'other',
    zh: '建议小区多装几个快递柜',
    en: 'Please add more parcel lockers',
  },
];
const CAUSES = [
  {
    rootCause: '前台高峰期人手不足 Reception understaffed at rush hour',
    correctiveAction: '主管当面致歉 Supervisor apologised in person',
    preventiveAction: '高峰期增加一名前台 A second receptionist at peak hours',
  },
  {
    rootCause: '维修派单漏单 Repair order lost between shifts',
    correctiveAction: '当天上门维修 Repaired the same day',
    preventiveAction: '交接班核对未结工单 Open orders checked at every shift change',
  },
  {
    rootCause: '门禁配件缺货 Gate spare parts out of stock',
    correctiveAction: '临时安排保安值守 Guard posted until repaired',
    preventiveAction: '常用配件保持库存 Keep common spare parts in stock',
  },
  {
    rootCause: '绿化外包排期不当 Landscaping contractor schedule slipped',
    correctiveAction: '督促外包补做 Contractor made up the work',
    preventiveAction: '每周检查绿化计划 Weekly check of the landscaping plan',
  },
];
const GOOD_COMMENTS = ['师傅很专业', 'Quick and friendly', '谢谢', ''];
const BAD_COMMENTS = ['还是没修好', 'Took far too long', '等了太久', ''];

const MINUTE = 60_000;
const DAY = 86_400_000;
const FAR_FUTURE = new Date('2100-01-01T00:00:00Z');

export interface DemoSize {
  owners: number;
  messages: number;
}

export interface DemoCounts {
  owners: number;
  messages: number;
  tickets: number;
  responses: number;
  answers: number;
}

/**
 * Writes the demo estate for the year before `now`. `onBatch` hears the running counts
 * (for progress output). Returns what was written.
 */
export async function writeDemoEstate(options: {
  connection: Connection;
  now: Date;
  size: DemoSize;
  timeZone?: string;
  batchSize?: number;
  seed?: number;
  onBatch?: (counts: DemoCounts) => void;
}): Promise<DemoCounts> {
  const { connection, now } = options;
  const timeZone = options.timeZone ?? 'Asia/Shanghai';
  const batchSize = options.batchSize ?? 5000;
  const rand = random(options.seed ?? 20261201);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;
  const counts: DemoCounts = { owners: 0, messages: 0, tickets: 0, responses: 0, answers: 0 };
  const { owners: Owners } = ownerModels(connection);
  const Messages = messageModel(connection);
  const { Tickets } = ticketModels(connection);
  const surveys = surveyModels(connection);

  const flush = async (
    collection: { insertMany(docs: object[], o: object): Promise<unknown> },
    docs: object[],
  ) => {
    if (docs.length === 0) return;
    await collection.insertMany(docs.splice(0, docs.length), { ordered: false });
    options.onBatch?.({ ...counts });
  };

  // Owners: a building per 400 households (at least four), one in six recently recorded.
  const buildingCount = Math.max(4, Math.ceil(options.size.owners / 400));
  interface DemoOwner {
    id: string;
    building: string;
    unit: string;
    language: 'zh' | 'en';
    /** -1 unhappy, 0 neutral, +1 happy: drives scores and complaints. */
    mood: number;
    createdAt: Date;
  }
  const people: DemoOwner[] = [];
  const ownerDocs: object[] = [];
  for (let i = 0; i < options.size.owners; i++) {
    const building = String((i % buildingCount) + 1);
    const n = Math.floor(i / buildingCount);
    const unit = `${(n % 4) + 1}-${Math.floor(n / 4 / 4) + 1}${String((Math.floor(n / 4) % 4) + 1).padStart(2, '0')}`;
    const english = rand() < 0.1;
    const name = `${english ? pick(ENGLISH) : pick(SURNAMES) + pick(GIVEN)} (demo)`;
    const phone = `199${String(i).padStart(8, '0')}`;
    const recent = rand() < 0.16;
    const createdAt = new Date(now.getTime() - (recent ? rand() * 170 : 400 + rand() * 1000) * DAY);
    const mood = rand() < 0.12 ? -1 : rand() < 0.6 ? 1 : 0;
    const id = new Types.ObjectId();
    people.push({ id: String(id), building, unit, language: english ? 'en' : 'zh', mood, createdAt });
    const [entrance, room] = unit.split('-') as [string, string];
    ownerDocs.push({
      _id: id,
      householdKey: householdKey({ building, unit }, phone),
      name,
      building,
      unit,
      entrance,
      room,
      phone,
      phoneLast4: phone.slice(-4),
      language: english ? 'en' : 'zh',
      verified: true,
      demo: true,
      source: 'import',
      createdAt,
      updatedAt: createdAt,
    });
    counts.owners++;
    if (ownerDocs.length >= batchSize) await flush(Owners.collection, ownerDocs);
  }
  await flush(Owners.collection, ownerDocs);

  // Messages over the year; about one in ten opens a case (unhappy owners complain more).
  const messageDocs: object[] = [];
  const ticketDocs: object[] = [];
  const yearAgo = now.getTime() - 365 * DAY;
  const monthly = new Map<string, number>();
  for (let i = 0; i < options.size.messages; i++) {
    const owner = people[Math.floor(rand() * people.length)] as DemoOwner;
    const at = new Date(yearAgo + rand() * 365 * DAY);
    const opensCase = rand() < (owner.mood < 0 ? 0.25 : 0.09);
    let template: Template = pick(CASES);
    if (opensCase && owner.mood < 0 && rand() < 0.5) template = CASES[7 + Math.floor(rand() * 4)] as Template;
    const messageId = new Types.ObjectId();
    const key = `${DEMO_PREFIX}m${i}`;
    let caseId = '';
    if (opensCase) {
      const ticketId = new Types.ObjectId();
      caseId = String(ticketId);
      const { quarter, month } = periodKeys(at, timeZone);
      const serial = (monthly.get(month) ?? 0) + 1;
      monthly.set(month, serial);
      const prefix = {
        work_order: 'WO',
        complaint: 'CP',
        consulting: 'CS',
        suggestion: 'SG',
        emergency: 'EM',
      }[template.kind];
      ticketDocs.push(
        demoTicket({
          id: ticketId,
          reference: `${prefix}-${month.slice(2, 4)}${month.slice(5)}-D${String(serial).padStart(5, '0')}`,
          origin: key,
          template,
          owner,
          at,
          now,
          quarter,
          month,
          rand,
        }),
      );
      counts.tickets++;
    }
    const text = owner.language === 'en' ? template.en : template.zh;
    messageDocs.push({
      _id: messageId,
      key,
      channel: 'web',
      platformMessageId: `m${i}`,
      conversationId: `demo-${owner.id}`,
      threadId: '',
      senderId: `demo-${owner.id}`,
      senderName: '',
      text: opensCase ? text : owner.language === 'en' ? 'Thank you' : '好的，谢谢',
      action: '',
      attachments: [],
      receivedAt: at,
      status: 'processed',
      holder: '',
      leaseUntil: new Date(0),
      attempts: 1,
      outcome: opensCase ? 'case_opened' : 'small_talk',
      identityId: '',
      caseId,
      language: owner.language,
      understanding: {
        intent: opensCase ? template.intent : 'other',
        confidence: 0.9,
        category: template.category,
      },
      error: '',
      processedAt: at,
      createdAt: at,
      updatedAt: at,
    });
    counts.messages++;
    if (messageDocs.length >= batchSize) await flush(Messages.collection, messageDocs);
    if (ticketDocs.length >= batchSize) await flush(Tickets.collection, ticketDocs);
  }
  await flush(Messages.collection, messageDocs);
  await flush(Tickets.collection, ticketDocs);

  await writeSurveys();
  return counts;

  async function writeSurveys(): Promise<void> {
    const definition: SurveyDefinitionRecord = {
      _id: DEMO_DEFINITION_ID,
      surveyId: 'demo-quarterly',
      version: 1,
      title: { zh: '季度满意度调查（演示）', en: 'Quarterly satisfaction survey (demo)' },
      intro: { zh: '演示数据', en: 'Demo data' },
      questions: [
        ...SURVEY_DIMENSIONS.flatMap((dimension) =>
          (['perceived', 'expectation'] as const).map((measure) => ({
            id: `${dimension}.${measure}`,
            kind: 'scale' as const,
            measure,
            dimension,
            prompt: { zh: `${dimension} ${measure}`, en: `${dimension} ${measure}` },
            optional: false,
          })),
        ),
        {
          id: 'overall',
          kind: 'scale',
          measure: 'overall',
          dimension: '',
          prompt: { zh: '总体', en: 'Overall' },
          optional: false,
        },
      ],
      createdAt: new Date(yearAgo),
    };
    await surveys.Definitions.replaceOne({ _id: definition._id }, definition, { upsert: true });
    // One campaign per quarter that began in the year (on the 10th day of its first month).
    const campaigns: Array<{ quarter: string; startedAt: Date; index: number }> = [];
    for (let t = yearAgo, index = 0; t <= now.getTime(); t += 20 * DAY) {
      const { quarter } = periodKeys(new Date(t), timeZone);
      if (campaigns.some((c) => c.quarter === quarter)) continue;
      const year = Number(quarter.slice(0, 4));
      const firstMonth = (Number(quarter.slice(5)) - 1) * 3;
      const startedAt = new Date(Date.UTC(year, firstMonth, 10, 2));
      if (startedAt.getTime() < yearAgo || startedAt.getTime() > now.getTime()) continue;
      campaigns.push({ quarter, startedAt, index: index++ });
    }
    const responseDocs: SurveyResponseRecord[] = [];
    const answerDocs: SurveyAnswerRecord[] = [];
    for (const campaign of campaigns) {
      const campaignId = `quarterly:${campaign.quarter}`;
      // A real campaign of that quarter (seeding with --force next to real owners) is left alone.
      await surveys.Campaigns.updateOne(
        { _id: campaignId },
        {
          $setOnInsert: {
            _id: campaignId,
            kind: 'quarterly',
            quarter: campaign.quarter,
            definitionId: DEMO_DEFINITION_ID,
            status: 'done',
            startedAt: campaign.startedAt,
            remindAt: new Date(campaign.startedAt.getTime() + 3 * DAY),
            expiresAt: new Date(campaign.startedAt.getTime() + 14 * DAY),
            finishedAt: new Date(campaign.startedAt.getTime() + 14 * DAY),
          },
        },
        { upsert: true },
      );
      for (const owner of people) {
        if (owner.createdAt > campaign.startedAt) continue;
        const responseId = `${campaignId}:${owner.id}`;
        const answering = rand() < 0.55;
        const partial = answering && rand() < 0.15;
        const answeredAt = new Date(campaign.startedAt.getTime() + rand() * 5 * DAY);
        const questions = definition.questions.slice(0, partial ? 5 : definition.questions.length);
        // Unhappy owners drift down over the year; happy ones stay high.
        const drift = owner.mood < 0 ? -0.6 * campaign.index : 0;
        if (answering) {
          for (const question of questions) {
            const overall = question.measure === 'overall';
            const base =
              question.measure === 'expectation'
                ? 4.3
                : (overall
                    ? ([3.2, 3.9, 4.8][owner.mood + 1] ?? 3.9)
                    : 3.7 + 0.8 * owner.mood + dimensionShift(question.dimension, campaign.index)) + drift;
            // The overall question wobbles less than the dimensions: a one-point drop means something.
            const noise = (rand() - 0.5) * (overall ? 0.4 : 1.6);
            const score = Math.max(1, Math.min(5, Math.round(base + noise)));
            answerDocs.push({
              _id: `${responseId}:${question.id}`,
              responseId,
              campaignId,
              quarter: campaign.quarter,
              ownerId: owner.id,
              building: owner.building,
              questionId: question.id,
              dimension: question.dimension,
              measure: question.measure,
              score,
              text: '',
              at: answeredAt,
            });
            counts.answers++;
          }
        }
        responseDocs.push({
          _id: responseId,
          campaignId,
          quarter: campaign.quarter,
          ownerId: owner.id,
          building: owner.building,
          channel: 'web',
          language: owner.language,
          status: answering ? (partial ? 'expired' : 'complete') : 'expired',
          nextQuestion: answering ? questions.length : 0,
          sentAt: campaign.startedAt,
          lastAnsweredAt: answering ? answeredAt : null,
          completedAt: answering && !partial ? answeredAt : null,
          reminderSentAt: null,
          // Demo owners are not linked to any channel identity, so no reminder can reach them.
          identityKey: '',
          queuedAt: campaign.startedAt,
          askedAt: campaign.startedAt,
        });
        counts.responses++;
        if (responseDocs.length >= batchSize) await flush(surveys.Responses.collection, responseDocs);
        if (answerDocs.length >= batchSize) await flush(surveys.Answers.collection, answerDocs);
      }
    }
    await flush(surveys.Responses.collection, responseDocs);
    await flush(surveys.Answers.collection, answerDocs);
  }
}

/** Some dimensions do better than others; repairs improve over the year, value for fees slips. */
function dimensionShift(dimension: string, quarterIndex: number): number {
  const shifts: Record<string, number> = {
    security: 0.2,
    cleaning: 0.1,
    repairs: -0.6 + 0.2 * quarterIndex,
    customer_service: 0,
    greening: 0.35,
    value_for_fees: -0.2 - 0.1 * quarterIndex,
  };
  return shifts[dimension] ?? 0;
}

function slaClassOf(template: Template): SlaClass {
  if (template.kind === 'complaint') return 'dissatisfaction';
  return template.intent === 'help_seeking' || template.intent === 'consulting' ? template.intent : 'other';
}

/** A case as the ticket service would have left it, with a plausible history. */
function demoTicket(input: {
  id: Types.ObjectId;
  reference: string;
  origin: string;
  template: Template;
  owner: { id: string; building: string; unit: string; language: 'zh' | 'en'; mood: number };
  at: Date;
  now: Date;
  quarter: string;
  month: string;
  rand: () => number;
}): Omit<TicketRecord, 'createdAt' | 'updatedAt'> & { createdAt: Date; updatedAt: Date } {
  const { template, owner, at, rand } = input;
  const slaClass = slaClassOf(template);
  const ackLimit = DEFAULT_SLA_POLICY.acknowledgeMinutes[slaClass];
  const resolveLimit = DEFAULT_SLA_POLICY.resolveMinutes[slaClass];
  const staff = ['desk:Alice', 'desk:Bob', 'desk:陈静', 'desk:刘洋'];
  const assignee = staff[Math.floor(rand() * staff.length)] as string;
  // Most cases are taken on in time; one in eight is late, some very late.
  const ackMinutes = ackLimit * (rand() < 0.12 ? 1.1 + rand() * 3 : 0.1 + rand() * 0.8);
  // A few cases get stuck for weeks (waiting for parts, a contractor): the open-case ages.
  const stuck = rand() < 0.04;
  const resolveMinutes = stuck
    ? (2 + rand() * 60) * 1440
    : Math.max(ackMinutes + 5, resolveLimit * (rand() < 0.15 ? 1.05 + rand() * 2 : 0.1 + rand() * 0.85));
  const ackAt = new Date(at.getTime() + ackMinutes * MINUTE);
  const resolvedAt = new Date(at.getTime() + resolveMinutes * MINUTE);
  const closesAt = new Date(resolvedAt.getTime() + 2 * DAY);
  const complaint = template.kind === 'complaint';
  const reopened = rand() < (owner.mood < 0 ? 0.15 : 0.03);
  const history: TicketRecord['history'] = [
    { seq: 0, at, actor: 'bot', action: 'received', from: '', to: 'new', note: '' },
  ];
  const steps: string[] = [];
  let status = 'new' as TicketRecord['status'];
  const push = (when: Date, actor: string, action: string, to: TicketRecord['status'] | '', note = '') => {
    history.push({ seq: history.length, at: when, actor, action, from: status, to, note });
    if (to) status = to;
  };
  const now = input.now.getTime();
  if (now > at.getTime() + ackLimit * MINUTE && ackAt.getTime() > at.getTime() + ackLimit * MINUTE) {
    const dueAt = new Date(at.getTime() + ackLimit * MINUTE);
    if (dueAt.getTime() < now) {
      steps.push('acknowledge:escalation:1');
      push(dueAt, 'sla', 'sla_escalation', '', 'acknowledge:escalation:1 -> desk');
    }
  }
  if (ackAt.getTime() <= now) push(ackAt, assignee, 'claimed', 'claimed');
  if (resolvedAt.getTime() > at.getTime() + resolveLimit * MINUTE) {
    const dueAt = new Date(at.getTime() + resolveLimit * MINUTE);
    if (dueAt.getTime() < now) {
      steps.push('resolve:escalation:1');
      push(dueAt, 'sla', 'sla_escalation', '', 'resolve:escalation:1 -> desk');
    }
  }
  const resolved = resolvedAt.getTime() <= now;
  if (resolved) push(resolvedAt, assignee, 'resolved', 'resolved');
  let rating: number | null = null;
  let comment = '';
  let closedAt: Date | null = null;
  let slaRound = 0;
  if (resolved && reopened && resolvedAt.getTime() + DAY <= now) {
    push(new Date(resolvedAt.getTime() + DAY), 'owner', 'reopened', 'reopened', 'still broken');
    slaRound = 1;
    const again = new Date(resolvedAt.getTime() + 2 * DAY);
    if (again.getTime() <= now) push(again, assignee, 'resolved', 'resolved');
  }
  if (status === 'resolved' && closesAt.getTime() + (slaRound ? DAY : 0) <= now) {
    const visitAt = new Date(closesAt.getTime() + (slaRound ? DAY : 0));
    push(visitAt, assignee, 'return_visit', 'return_visit');
    if (rand() < 0.7) {
      rating = Math.max(1, Math.min(5, Math.round(4 + owner.mood * 0.8 - slaRound + (rand() - 0.5) * 2)));
      const comments = rating <= 2 ? BAD_COMMENTS : GOOD_COMMENTS;
      comment = comments[Math.floor(rand() * comments.length)] as string;
      push(visitAt, 'owner', 'return_visit_recorded', '');
    }
    push(visitAt, assignee, 'closed', 'closed');
    closedAt = visitAt;
  }
  const summary = complaint && resolved ? (CAUSES[Math.floor(rand() * CAUSES.length)] ?? null) : null;
  const lastAt = history[history.length - 1]?.at ?? at;
  const staffName = assignee.slice('desk:'.length);
  const claimed = history.some((h) => h.action === 'claimed');
  return {
    _id: input.id,
    reference: input.reference,
    origin: input.origin,
    kind: template.kind,
    slaClass,
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
    title: owner.language === 'en' ? template.en : template.zh,
    messages: [
      {
        at,
        from: 'owner',
        text: owner.language === 'en' ? template.en : template.zh,
        messageKey: input.origin,
        attachments: [],
      },
    ],
    status,
    assignee: claimed ? assignee : '',
    assigneeName: claimed ? staffName : '',
    pendingHandover: null,
    history,
    summary,
    acknowledgedAt: claimed ? ackAt : null,
    resolvedAt: status === 'reopened' ? null : (history.findLast((h) => h.action === 'resolved')?.at ?? null),
    closedAt,
    slaStartedAt: at,
    slaRound,
    slaSteps: steps,
    escalationLevel: steps.length ? 1 : 0,
    // Demo cases never reach the SLA schedule: nobody should be paged about fiction.
    slaCheckAt: FAR_FUTURE,
    lastOwnerMessageAt: at,
    staffThread: null,
    returnVisit: { rating, comment, at: rating === null ? null : closedAt },
    version: 0,
    quarter: input.quarter,
    month: input.month,
    createdAt: at,
    updatedAt: lastAt,
  };
}
