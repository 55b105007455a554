import { DomainError } from '../../../services/errors';
import { refusalTexts } from '../../../services/i18n/staff';
import { slackDeskTexts } from '../../../services/i18n/staff-forms';
import { localize } from '../../../services/i18n/text';
import type { ActionOptions, Staff } from '../../../services/tickets/ticket-service';
import {
  explainToUser,
  parseCaseValue,
  refreshCard,
  tellUser,
  type MessageRef,
  type SlackDeskContext,
} from './slack-context';
import type { BlockActionsBody } from './slack-payloads';
import { handoverView, reclassifyView, resolveView } from './slack-views';

/** A button press as the listeners need it: who, on which case, where, and its one-time id. */
interface Press {
  body: BlockActionsBody;
  caseId: string;
  staff: Staff;
  where: { channel: string; user: string; threadTs?: string };
  message?: MessageRef;
  /** Slack repeats a request it got no answer to with the same `action_ts`: one effect. */
  options: ActionOptions;
}

/** Reads a press and checks the presser is staff (else they are told, and undefined). */
async function pressOf(context: SlackDeskContext, body: BlockActionsBody): Promise<Press | undefined> {
  const action = body.actions[0];
  const parsed = parseCaseValue(action?.value);
  const channel = body.channel?.id ?? context.escalationChannel;
  const where = { channel, user: body.user.id, ...(body.message?.ts ? { threadTs: body.message.ts } : {}) };
  if (!parsed) return undefined;
  if (!(await context.staff.isStaff(body.user.id))) {
    await tellUser(context, where, localize(refusalTexts.not_staff, context.language));
    return undefined;
  }
  return {
    body,
    caseId: parsed.caseId,
    staff: await context.staff.staffOf(body.user),
    where,
    ...(body.message?.ts ? { message: { channel, ts: body.message.ts } } : {}),
    options: action?.action_ts ? { actionId: `slack:${body.user.id}:${action.action_ts}` } : {},
  };
}

/** Claim: the presser owns the case (first-inquiry responsibility); the card shows it at once. */
export async function onClaim(context: SlackDeskContext, body: BlockActionsBody): Promise<void> {
  const press = await pressOf(context, body);
  if (!press) return;
  try {
    const event = await context.caseDesk.claim(press.caseId, press.staff, press.options);
    await refreshCard(context, event.ticket, press.message);
  } catch (error) {
    const ticket = await context.tickets.get(press.caseId);
    // A second click of the owner's own claim: nothing to say, the card is redrawn.
    if (error instanceof DomainError && ticket.assignee === press.staff.id && ticket.status !== 'new')
      return refreshCard(context, ticket, press.message);
    await explainToUser(context, error, press.caseId, press.where);
  }
}

/** Resolve, Hand over, Reclassify: the modal for it, remembering which message was pressed. */
export async function onOpenForm(
  context: SlackDeskContext,
  body: BlockActionsBody,
  form: 'resolve' | 'handover' | 'reclassify',
): Promise<void> {
  const press = await pressOf(context, body);
  if (!press || !body.trigger_id) return;
  const ticket = await context.tickets.get(press.caseId);
  const view =
    form === 'resolve'
      ? resolveView(ticket, context.language)
      : form === 'handover'
        ? handoverView(ticket, context.language)
        : reclassifyView(ticket, context.language);
  await context.client.views.open({
    trigger_id: body.trigger_id,
    view: { ...view, private_metadata: JSON.stringify(press.message ?? {}) },
  });
}

/** Accept or Decline of a hand-over: the question is answered in place and the card redrawn. */
export async function onHandoverAnswer(
  context: SlackDeskContext,
  body: BlockActionsBody,
  answer: 'accept' | 'decline',
): Promise<void> {
  const press = await pressOf(context, body);
  if (!press) return;
  try {
    const before = await context.tickets.get(press.caseId);
    const event =
      answer === 'accept'
        ? await context.caseDesk.acceptHandover(press.caseId, press.staff, press.options)
        : await context.caseDesk.declineHandover(press.caseId, press.staff, press.options);
    const text = localize(
      answer === 'accept' ? slackDeskTexts.handoverAccepted : slackDeskTexts.handoverDeclined,
      context.language,
      { to: press.staff.id, reference: event.ticket.reference, owner: before.assignee },
    );
    // The question is answered: it now says how, and the case card keeps the case's buttons.
    if (press.message) {
      const blocks = [{ type: 'section', text: { type: 'mrkdwn', text } }];
      await context.client.chat.update({ ...press.message, text, blocks });
    }
    await refreshCard(context, event.ticket);
  } catch (error) {
    await explainToUser(context, error, press.caseId, press.where);
  }
}
