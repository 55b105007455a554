import { Types } from 'mongoose';
import { periodKeys } from '../tickets/ticket-model';
import { CASES, type CaseTemplate } from './demo-catalog';
import { DAY, DEMO_PREFIX, type DemoCollection, type DemoContext, type DemoOwner } from './demo-context';
import { demoTicket } from './demo-ticket';

const REFERENCE_PREFIX = {
  work_order: 'WO',
  complaint: 'CP',
  consulting: 'CS',
  suggestion: 'SG',
  emergency: 'EM',
};

/**
 * Writes `count` owner messages spread over the year; about one in ten opens a case
 * (unhappy owners complain more), and the rest are thanks. Case references count up per month.
 */
export async function writeDemoMessages(
  ctx: DemoContext,
  people: DemoOwner[],
  count: number,
  collections: { messages: DemoCollection; tickets: DemoCollection },
): Promise<void> {
  const messages = ctx.batch<object>(collections.messages, 'messages');
  const tickets = ctx.batch<object>(collections.tickets, 'tickets');
  const monthly = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const { message, ticket } = demoMessage(ctx, i, people, monthly);
    if (ticket) tickets.push(ticket);
    messages.push(message);
    await messages.flushIfFull();
    await tickets.flushIfFull();
  }
  await messages.flush();
  await tickets.flush();
}

/** The i-th message, and the case it opens if it opens one. */
function demoMessage(
  ctx: DemoContext,
  i: number,
  people: DemoOwner[],
  monthly: Map<string, number>,
): { message: object; ticket?: object } {
  const { rand, pick } = ctx;
  const owner = people[Math.floor(rand() * people.length)] as DemoOwner;
  const at = new Date(ctx.yearAgo + rand() * 365 * DAY);
  const opensCase = rand() < (owner.mood < 0 ? 0.25 : 0.09);
  let template: CaseTemplate = pick(CASES);
  if (opensCase && owner.mood < 0 && rand() < 0.5)
    template = CASES[7 + Math.floor(rand() * 4)] as CaseTemplate;
  const messageId = new Types.ObjectId();
  const key = `${DEMO_PREFIX}m${i}`;
  let ticket: ReturnType<typeof demoTicket> | undefined;
  if (opensCase) {
    const { quarter, month } = periodKeys(at, ctx.timeZone);
    const serial = (monthly.get(month) ?? 0) + 1;
    monthly.set(month, serial);
    const prefix = REFERENCE_PREFIX[template.kind];
    ticket = demoTicket({
      id: new Types.ObjectId(),
      reference: `${prefix}-${month.slice(2, 4)}${month.slice(5)}-D${String(serial).padStart(5, '0')}`,
      origin: key,
      template,
      owner,
      at,
      now: ctx.now,
      quarter,
      month,
      rand,
    });
  }
  const text = owner.language === 'en' ? template.en : template.zh;
  const message = {
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
    caseId: ticket ? String(ticket._id) : '',
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
  };
  return { message, ticket };
}
