import { isCategory, isIntent } from '../../../nlp';
import { DomainError } from '../../../services/errors';
import { refusalTexts, staffTexts } from '../../../services/i18n/staff';
import { slackDeskTexts } from '../../../services/i18n/staff-forms';
import { localize } from '../../../services/i18n/text';
import { MissingFieldsError, type ActionOptions, type Staff } from '../../../services/tickets/ticket-service';
import { explainRefusal } from '../../core/case-desk';
import { caseAction } from '../../core/cases';
import { caseButton } from './slack-case-card';
import { refreshCard, type MessageRef, type SlackDeskContext } from './slack-context';
import type { ViewSubmissionBody } from './slack-payloads';
import { FIELD_BLOCKS, fieldErrors } from './slack-views';

/** What a modal answers: nothing (it closes) or errors shown under the named blocks. */
export type ViewAnswer = { response_action: 'errors'; errors: Record<string, string> } | undefined;

interface Submission {
  caseId: string;
  staff: Staff;
  field: (block: string) => string;
  /** The escalation message the modal was opened from. */
  origin: MessageRef | undefined;
  /** The same modal submitted twice (a double click, a Slack retry) has one effect. */
  options: ActionOptions;
}

const errorsAt = (block: string, text: string): ViewAnswer => ({
  response_action: 'errors',
  errors: { [block]: text },
});

function submissionOf(body: ViewSubmissionBody, staff: Staff): Submission {
  const values = body.view.state.values;
  const field = (block: string) => {
    const input = values[block]?.[block];
    return (input?.selected_user ?? input?.selected_option?.value ?? input?.value ?? '').trim();
  };
  let origin: MessageRef | undefined;
  try {
    const parsed = JSON.parse(body.view.private_metadata || '{}') as Partial<MessageRef>;
    if (typeof parsed.channel === 'string' && typeof parsed.ts === 'string')
      origin = { channel: parsed.channel, ts: parsed.ts };
  } catch {
    origin = undefined;
  }
  return {
    caseId: body.view.callback_id.split(':')[1] ?? '',
    staff,
    field,
    origin,
    options: body.view.id ? { actionId: `slack:view:${body.view.id}` } : {},
  };
}

/** Runs one modal's work; a refusal becomes an error under `block`, in the staff language. */
async function answering(
  context: SlackDeskContext,
  body: ViewSubmissionBody,
  block: string,
  work: (submission: Submission) => Promise<ViewAnswer>,
): Promise<ViewAnswer> {
  if (!(await context.staff.isStaff(body.user.id)))
    return errorsAt(block, localize(refusalTexts.not_staff, context.language));
  const submission = submissionOf(body, await context.staff.staffOf(body.user));
  try {
    return await work(submission);
  } catch (error) {
    if (error instanceof MissingFieldsError) return fieldErrors(error.fields, context.language);
    if (!(error instanceof DomainError)) throw error;
    const ticket = await context.tickets.get(submission.caseId).catch(() => undefined);
    return errorsAt(block, explainRefusal(error, ticket, context.language) ?? error.message);
  }
}

/** The Resolve modal: the same required fields as the web desk; the owner is told the result. */
export function onResolveSubmitted(context: SlackDeskContext, body: ViewSubmissionBody): Promise<ViewAnswer> {
  return answering(context, body, FIELD_BLOCKS.result, async ({ caseId, staff, field, origin, options }) => {
    const event = await context.caseDesk.resolve(
      caseId,
      staff,
      {
        result: field(FIELD_BLOCKS.result),
        summary: {
          rootCause: field(FIELD_BLOCKS.rootCause),
          correctiveAction: field(FIELD_BLOCKS.correctiveAction),
          preventiveAction: field(FIELD_BLOCKS.preventiveAction),
        },
      },
      options,
    );
    await refreshCard(context, event.ticket, origin);
    return undefined;
  });
}

/** The Reclassify modal: the case's labels change and the classifier learns the correction. */
export function onReclassifySubmitted(
  context: SlackDeskContext,
  body: ViewSubmissionBody,
): Promise<ViewAnswer> {
  return answering(context, body, 'intent', async ({ caseId, staff, field, origin, options }) => {
    const intent = field('intent');
    const category = field('category');
    if (!isIntent(intent) || !isCategory(category))
      return errorsAt('intent', localize(refusalTexts.pick_labels, context.language));
    const event = await context.caseDesk.correct(caseId, staff, { intent, category }, options);
    await refreshCard(context, event.ticket, origin);
    return undefined;
  });
}

/** The Hand over modal: the colleague is asked in the case thread and must accept. */
export function onHandoverSubmitted(
  context: SlackDeskContext,
  body: ViewSubmissionBody,
): Promise<ViewAnswer> {
  return answering(context, body, 'colleague', async ({ caseId, staff, field, origin, options }) => {
    const to = field('colleague');
    if (!to || !(await context.staff.isStaff(to)))
      return errorsAt('colleague', localize(refusalTexts.pick_colleague, context.language));
    const colleague = await context.staff.staffOf({ id: to });
    const event = await context.caseDesk.offerHandover(caseId, staff, colleague, options);
    if (event.repeated) return undefined;
    const thread = event.ticket.staffThread
      ? { channel: event.ticket.staffThread.channel, ts: event.ticket.staffThread.threadId }
      : origin;
    const text = localize(slackDeskTexts.handoverAsk, context.language, {
      to,
      from: staff.id,
      reference: event.ticket.reference,
    });
    const answer = (verb: 'accept' | 'decline') =>
      caseButton({ action: caseAction(verb, caseId), label: localize(staffTexts[verb], context.language) });
    await context.client.chat.postMessage({
      channel: thread?.channel ?? context.escalationChannel,
      ...(thread ? { thread_ts: thread.ts } : {}),
      text,
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text } },
        { type: 'actions', elements: [answer('accept'), answer('decline')] },
      ],
    });
    await refreshCard(context, event.ticket, origin);
    return undefined;
  });
}
