import type { InboundMessage } from '../../../services/channels/types';
import { DomainError } from '../../../services/errors';
import { slackDeskTexts } from '../../../services/i18n/staff-forms';
import { localize } from '../../../services/i18n/text';
import { explainToUser, type SlackDeskContext } from './slack-context';
import type { MessageEventBody, SlashCommandBody } from './slack-payloads';

/** A thread reply starting with this stays among staff (a note on the case), whatever follows. */
const NOTE_PREFIX = /^note:\s*/i;

/** A direct message from someone who is not staff: an owner talking to the property. */
async function fromOwner(
  event: MessageEventBody & { user: string },
  receive: (message: InboundMessage) => Promise<void>,
): Promise<void> {
  await receive({
    channel: 'slack',
    platformMessageId: `${event.channel}:${event.ts}`,
    conversationId: event.channel,
    ...(event.thread_ts ? { threadId: event.thread_ts } : {}),
    sender: { id: event.user },
    text: (event.text ?? '').trim(),
    attachments: [],
    receivedAt: new Date(Number(event.ts) * 1000),
  });
}

/**
 * A message the app sees: an owner's DM is stored like any channel's; a staff reply in a
 * case's thread reaches the owner (only from whoever holds the case, or a supervisor, as the
 * ticket service decides) and gets a ✅; a `note:` reply is kept on the case for colleagues.
 * Each is keyed by its ts, so Slack's retries are handled once.
 */
export async function onMessage(
  context: SlackDeskContext,
  event: MessageEventBody,
  receive: (message: InboundMessage) => Promise<void>,
): Promise<void> {
  if (event.subtype || event.bot_id || !event.user) return;
  const user = event.user;
  if (event.channel_type === 'im') {
    if (!(await context.staff.isStaff(user))) await fromOwner({ ...event, user }, receive);
    return;
  }
  const threadTs = event.thread_ts;
  if (!threadTs || threadTs === event.ts || event.channel !== context.escalationChannel) return;
  const ticket = await context.tickets.byStaffThread(event.channel, threadTs);
  const text = (event.text ?? '').trim();
  if (!ticket || text === '' || !(await context.staff.isStaff(user))) return;
  const caseId = String(ticket._id);
  const staff = await context.staff.staffOf({ id: user });
  try {
    if (NOTE_PREFIX.test(text)) {
      await context.caseDesk.note(caseId, staff, text.replace(NOTE_PREFIX, ''), `slack:${event.ts}`);
      return;
    }
    await context.caseDesk.reply(caseId, staff, text, `slack:${event.ts}`);
  } catch (error) {
    await explainToUser(context, error, caseId, { channel: event.channel, user, threadTs });
    return;
  }
  await context.client.reactions
    .add({ channel: event.channel, timestamp: event.ts, name: 'white_check_mark' })
    .catch(() => undefined);
}

/** `/announce [building=7] 中文 || English`: answered ephemerally within Slack's 3 s. */
export async function onAnnounce(
  context: SlackDeskContext,
  command: SlashCommandBody,
  announce: ((input: { text: string; staffId: string; requestId: string }) => Promise<string>) | undefined,
): Promise<{ response_type: 'ephemeral'; text: string }> {
  const answer = (text: string) => ({ response_type: 'ephemeral' as const, text });
  if (!announce) return answer(localize(slackDeskTexts.announceUnknown, context.language));
  if (!(await context.staff.isStaff(command.user_id)))
    return answer(localize(slackDeskTexts.announceNotStaff, context.language));
  const text = command.text.trim();
  if (!text) return answer(localize(slackDeskTexts.announceUsage, context.language));
  try {
    return answer(await announce({ text, staffId: command.user_id, requestId: command.trigger_id ?? '' }));
  } catch (error) {
    if (error instanceof DomainError) return answer(error.message);
    throw error;
  }
}
