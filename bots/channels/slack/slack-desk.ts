import { verifySlackRequest, type webApi } from '@slack/bolt';
import type { FastifyInstance } from 'fastify';
import { CATEGORIES, INTENTS, isCategory, isIntent } from '../../../nlp';
import { DomainError } from '../../../services/errors';
import type { InboundMessage } from '../../../services/channels/types';
import type { Logger } from '../../../services/logging/logger';
import type { TicketService } from '../../../services/tickets/ticket-service';
import type { CaseDesk } from '../../core/case-desk';

const MEMBERS_CACHE_MS = 5 * 60_000;

interface SlackUser {
  id: string;
  name?: string;
  username?: string;
}

/**
 * The staff desk in Slack at POST /slack/events. Requests are verified with the signing
 * secret (5-minute replay window) before anything happens. Work is done before the 200, so
 * when it fails Slack retries the request; every action is safe to repeat (a second claim
 * by the owner of the case, a thread reply already relayed). Only staff may act: the
 * SLACK_STAFF_USER_IDS allow-list, or else members of the escalation channel.
 */
export function registerSlackDesk(
  server: FastifyInstance,
  deps: {
    signingSecret: string;
    escalationChannel: string;
    staffUserIds: readonly string[];
    /** May act on any case; also counted as staff. */
    supervisorUserIds?: readonly string[];
    botUserId?: string;
    client: webApi.WebClient;
    caseDesk: CaseDesk;
    tickets: TicketService;
    /** Stores an owner's message (a DM to the app) in the core, like any channel's. */
    receive: (message: InboundMessage) => Promise<void>;
    /** `/announce` from staff: stores the notice and starts its delivery; returns the ephemeral answer. */
    announce?: (input: { text: string; staffId: string; requestId: string }) => Promise<string>;
    logger: Logger;
  },
): void {
  const log = deps.logger.child({ component: 'slack-desk' });
  let members: { ids: Set<string>; at: number } | undefined;

  const isSupervisor = (userId: string) => (deps.supervisorUserIds ?? []).includes(userId);

  async function isStaff(userId: string): Promise<boolean> {
    if (isSupervisor(userId)) return true;
    if (deps.staffUserIds.length > 0) return deps.staffUserIds.includes(userId);
    if (!members || Date.now() - members.at > MEMBERS_CACHE_MS) {
      const result = await deps.client.conversations.members({
        channel: deps.escalationChannel,
        limit: 1000,
      });
      members = { ids: new Set(result.members ?? []), at: Date.now() };
    }
    return members.ids.has(userId);
  }

  async function tellUser(channel: string, user: string, text: string, threadTs?: string): Promise<void> {
    await deps.client.chat
      .postEphemeral({ channel, user, text, ...(threadTs ? { thread_ts: threadTs } : {}) })
      .catch((error: unknown) => log.warn({ err: error }, 'Could not post an ephemeral message'));
  }

  const staffOf = (user: SlackUser) => ({
    id: user.id,
    name: user.name ?? user.username ?? user.id,
    supervisor: isSupervisor(user.id),
  });

  async function onBlockAction(payload: {
    user: SlackUser;
    trigger_id?: string;
    channel?: { id: string };
    message?: { ts: string; text?: string };
    actions?: Array<{ value?: string }>;
  }): Promise<void> {
    const value = payload.actions?.[0]?.value ?? '';
    const match = /^case:(claim|resolve|reclassify|handover|accept|decline):([a-f0-9]{24})$/.exec(value);
    const channel = payload.channel?.id ?? deps.escalationChannel;
    if (!match) return;
    if (!(await isStaff(payload.user.id))) {
      await tellUser(
        channel,
        payload.user.id,
        'Only property staff can act on cases. 只有物业工作人员可以处理工单。',
      );
      return;
    }
    const [, action, caseId] = match as unknown as [
      string,
      'claim' | 'resolve' | 'reclassify' | 'handover' | 'accept' | 'decline',
      string,
    ];
    const staff = staffOf(payload.user);
    if (action === 'accept' || action === 'decline') {
      try {
        const event =
          action === 'accept'
            ? await deps.caseDesk.acceptHandover(caseId, staff)
            : await deps.caseDesk.declineHandover(caseId, staff);
        if (payload.message?.ts) {
          await deps.client.chat.update({
            channel,
            ts: payload.message.ts,
            text:
              action === 'accept'
                ? `🤝 <@${staff.id}> took over ${event.ticket.reference} · 已接手`
                : `<@${staff.id}> declined ${event.ticket.reference}; it stays with <@${event.ticket.assignee}> · 已拒绝`,
            blocks: [],
          });
        }
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        await tellUser(channel, staff.id, error.message, payload.message?.ts);
      }
      return;
    }
    if (action !== 'claim') {
      const ticket = await deps.tickets.get(caseId);
      if (payload.trigger_id) {
        const view =
          action === 'resolve'
            ? resolveView(caseId, ticket.reference, ticket.kind === 'complaint')
            : action === 'handover'
              ? handoverView(caseId, ticket.reference)
              : reclassifyView(caseId, ticket.reference);
        await deps.client.views.open({
          trigger_id: payload.trigger_id,
          // Where the escalation message is, for the hand-over question to go in its thread.
          view: { ...view, private_metadata: JSON.stringify({ channel, ts: payload.message?.ts ?? '' }) },
        });
      }
      return;
    }
    try {
      const event = await deps.caseDesk.claim(caseId, staff);
      if (payload.message?.ts) {
        await deps.client.chat.update({
          channel,
          ts: payload.message.ts,
          text: `${payload.message.text ?? event.ticket.reference}\n✅ Claimed by <@${staff.id}> · 已由 <@${staff.id}> 认领`,
          blocks: [],
        });
      }
    } catch (error) {
      if (error instanceof DomainError) {
        await tellUser(channel, staff.id, error.message, payload.message?.ts);
        return;
      }
      throw error;
    }
  }

  /** A modal submitted: resolve (with the complaint summary) or reclassify. Returns the reply body. */
  async function onViewSubmission(payload: {
    user: SlackUser;
    view: {
      callback_id: string;
      private_metadata?: string;
      state: {
        values: Record<
          string,
          Record<string, { value?: string | null; selected_option?: { value: string } | null }>
        >;
      };
    };
  }): Promise<Record<string, unknown> | undefined> {
    const match = /^(resolve|reclassify|handover):([a-f0-9]{24})$/.exec(payload.view.callback_id);
    if (!match) return undefined;
    if (!(await isStaff(payload.user.id))) {
      return { response_action: 'errors', errors: { resolution: 'Only property staff can act on cases.' } };
    }
    const [, kind, caseId] = match as unknown as [string, 'resolve' | 'reclassify' | 'handover', string];
    const values = payload.view.state.values;
    const field = (block: string) => {
      const input = values[block]?.[block] as
        | { value?: string | null; selected_option?: { value: string } | null; selected_user?: string | null }
        | undefined;
      return (input?.selected_user ?? input?.selected_option?.value ?? input?.value ?? '').trim();
    };
    const staff = staffOf(payload.user);
    try {
      if (kind === 'handover') {
        const to = field('colleague');
        if (!to || !(await isStaff(to))) {
          return {
            response_action: 'errors',
            errors: { colleague: 'Pick a staff colleague. 请选择一位同事。' },
          };
        }
        const event = await deps.caseDesk.offerHandover(caseId, staff, { id: to, name: to });
        const origin = JSON.parse(payload.view.private_metadata || '{}') as { channel?: string; ts?: string };
        const thread =
          event.ticket.staffThread ??
          (origin.channel && origin.ts ? { channel: origin.channel, threadId: origin.ts } : null);
        await deps.client.chat.postMessage({
          channel: thread?.channel ?? deps.escalationChannel,
          ...(thread ? { thread_ts: thread.threadId } : {}),
          text: `<@${to}>, <@${staff.id}> asks you to take over ${event.ticket.reference}. 请确认是否接手。`,
          blocks: [
            {
              type: 'section',
              text: {
                type: 'mrkdwn',
                text: `<@${to}>, <@${staff.id}> asks you to take over *${event.ticket.reference}*. 请确认是否接手。`,
              },
            },
            {
              type: 'actions',
              elements: [
                {
                  type: 'button',
                  action_id: 'handover_accept',
                  value: `case:accept:${caseId}`,
                  text: text('Accept · 接手'),
                },
                {
                  type: 'button',
                  action_id: 'handover_decline',
                  value: `case:decline:${caseId}`,
                  text: text('Decline · 拒绝'),
                },
              ],
            },
          ],
        });
      } else if (kind === 'resolve') {
        await deps.caseDesk.resolve(caseId, staff, field('resolution'), {
          requireSummary: true,
          summary: {
            rootCause: field('root_cause'),
            correctiveAction: field('corrective_action'),
            preventiveAction: field('preventive_action'),
          },
        });
        // The escalation message (the thread's root) shows the case's new state.
        const resolved = await deps.tickets.get(caseId);
        if (resolved.staffThread) {
          await deps.client.chat
            .update({
              channel: resolved.staffThread.channel,
              ts: resolved.staffThread.threadId,
              text: `✅ ${resolved.reference} resolved by <@${staff.id}> · 已由 <@${staff.id}> 办结`,
              blocks: [],
            })
            .catch((error: unknown) => log.warn({ err: error }, 'Could not update the escalation message'));
        }
      } else {
        const intent = field('intent');
        const category = field('category');
        if (!isIntent(intent) || !isCategory(category)) {
          return { response_action: 'errors', errors: { intent: 'Pick an intent and a category.' } };
        }
        await deps.caseDesk.correct(caseId, staff, { intent, category });
      }
      return undefined;
    } catch (error) {
      if (error instanceof DomainError) {
        const block =
          error.code === 'summary_required' ? 'root_cause' : kind === 'resolve' ? 'resolution' : 'intent';
        return { response_action: 'errors', errors: { [block]: error.message } };
      }
      throw error;
    }
  }

  async function onMessage(event: {
    type: string;
    subtype?: string;
    user?: string;
    bot_id?: string;
    text?: string;
    ts: string;
    thread_ts?: string;
    channel: string;
    channel_type?: string;
  }): Promise<void> {
    if (
      event.type !== 'message' ||
      event.subtype ||
      event.bot_id ||
      !event.user ||
      event.user === deps.botUserId
    )
      return;
    if (event.channel_type === 'im') {
      // A direct message from someone who is not staff is an owner talking to the property.
      if (await isStaff(event.user)) return;
      await deps.receive({
        channel: 'slack',
        platformMessageId: `${event.channel}:${event.ts}`,
        conversationId: event.channel,
        ...(event.thread_ts ? { threadId: event.thread_ts } : {}),
        sender: { id: event.user },
        text: (event.text ?? '').trim(),
        attachments: [],
        receivedAt: new Date(Number(event.ts) * 1000),
      });
      return;
    }
    if (!event.thread_ts || event.thread_ts === event.ts || event.channel !== deps.escalationChannel) return;
    const ticket = await deps.tickets.byStaffThread(event.channel, event.thread_ts);
    if (!ticket) return;
    const text = (event.text ?? '').trim();
    if (text === '' || /^note:/i.test(text)) return; // internal notes stay in Slack
    if (!(await isStaff(event.user))) return;
    if (ticket.assignee !== event.user && !isSupervisor(event.user)) {
      await tellUser(
        event.channel,
        event.user,
        ticket.assignee
          ? `Case ${ticket.reference} belongs to <@${ticket.assignee}>; only they can reply to the owner.`
          : `Claim case ${ticket.reference} before replying to the owner.`,
        event.thread_ts,
      );
      return;
    }
    await deps.caseDesk.reply(
      String(ticket._id),
      { id: event.user, name: event.user },
      text,
      `slack:${event.ts}`,
    );
    await deps.client.reactions
      .add({ channel: event.channel, timestamp: event.ts, name: 'white_check_mark' })
      .catch(() => undefined);
  }

  /** A slash command: `/announce [building=7] 中文 || English`. Answered ephemerally within 3 s. */
  async function onSlashCommand(params: URLSearchParams): Promise<Record<string, unknown>> {
    const user = params.get('user_id') ?? '';
    const answer = (text: string) => ({ response_type: 'ephemeral', text });
    if (params.get('command') !== '/announce' || !deps.announce)
      return answer(`Unknown command ${params.get('command') ?? ''}. 未知命令。`);
    if (!(await isStaff(user)))
      return answer('Only property staff can send announcements. 只有物业工作人员可以发布通知。');
    const text = (params.get('text') ?? '').trim();
    if (!text)
      return answer(
        'Usage: /announce [building=7] 中文通知 || English notice\n用法：/announce [building=7] 中文 || English',
      );
    try {
      return answer(await deps.announce({ text, staffId: user, requestId: params.get('trigger_id') ?? '' }));
    } catch (error) {
      if (error instanceof DomainError) return answer(error.message);
      throw error;
    }
  }

  server.register(async (scope) => {
    // Signatures are computed over the exact bytes Slack sent, so keep them as a string.
    scope.addContentTypeParser(
      ['application/json', 'application/x-www-form-urlencoded'],
      { parseAs: 'string' },
      (_request, body, done) => done(null, body),
    );
    scope.post('/slack/events', async (request, reply) => {
      const raw = typeof request.body === 'string' ? request.body : '';
      try {
        verifySlackRequest({
          signingSecret: deps.signingSecret,
          body: raw,
          headers: {
            'x-slack-signature': String(request.headers['x-slack-signature'] ?? ''),
            'x-slack-request-timestamp': Number(request.headers['x-slack-request-timestamp'] ?? 0),
          },
        });
      } catch {
        return reply.status(401).send({ error: 'invalid_signature' });
      }
      const form = String(request.headers['content-type'] ?? '').includes('x-www-form-urlencoded');
      const slash = form ? new URLSearchParams(raw) : undefined;
      if (slash?.get('command')) return reply.send(await onSlashCommand(slash));
      let body: Record<string, unknown>;
      try {
        body = form
          ? (JSON.parse(new URLSearchParams(raw).get('payload') ?? '{}') as Record<string, unknown>)
          : (JSON.parse(raw) as Record<string, unknown>);
      } catch {
        return reply.status(400).send({ error: 'invalid_body' });
      }
      if (body.type === 'url_verification') return reply.send({ challenge: body.challenge });
      if (body.type === 'block_actions') await onBlockAction(body as never);
      else if (body.type === 'view_submission') {
        const answer = await onViewSubmission(body as never);
        return answer ? reply.send(answer) : reply.status(200).send();
      } else if (body.type === 'event_callback' && body.event) await onMessage(body.event as never);
      return reply.status(200).send();
    });
  });
}

const text = (value: string) => ({ type: 'plain_text' as const, text: value });

function input(blockId: string, label: string, optional: boolean, multiline = true) {
  return {
    type: 'input' as const,
    block_id: blockId,
    optional,
    label: text(label),
    element: { type: 'plain_text_input' as const, action_id: blockId, multiline },
  };
}

/** The Resolve form; complaints also need root cause, corrective and preventive action. */
function resolveView(caseId: string, reference: string, complaint: boolean) {
  return {
    type: 'modal' as const,
    callback_id: `resolve:${caseId}`,
    title: text(`Resolve ${reference}`.slice(0, 24)),
    submit: text('Resolve'),
    blocks: [
      input('resolution', 'What was done · 处理结果', false),
      input('root_cause', 'Root cause · 原因', !complaint),
      input('corrective_action', 'Corrective action · 纠正措施', !complaint),
      input('preventive_action', 'Preventive action · 预防措施', !complaint),
    ],
  };
}

function select(blockId: string, label: string, options: readonly string[]) {
  return {
    type: 'input' as const,
    block_id: blockId,
    label: text(label),
    element: {
      type: 'static_select' as const,
      action_id: blockId,
      options: options.map((option) => ({ text: text(option), value: option })),
    },
  };
}

/** The Reclassify form: the intent and category the owner's message really had. */
function reclassifyView(caseId: string, reference: string) {
  return {
    type: 'modal' as const,
    callback_id: `reclassify:${caseId}`,
    title: text(`Reclassify ${reference}`.slice(0, 24)),
    submit: text('Save'),
    blocks: [select('intent', 'Intent · 意图', INTENTS), select('category', 'Category · 类别', CATEGORIES)],
  };
}

/** The Hand over form: pick the colleague who should own the case (they must accept). */
function handoverView(caseId: string, reference: string) {
  return {
    type: 'modal' as const,
    callback_id: `handover:${caseId}`,
    title: text(`Hand over ${reference}`.slice(0, 24)),
    submit: text('Ask'),
    blocks: [
      {
        type: 'input' as const,
        block_id: 'colleague',
        label: text('Colleague · 同事'),
        element: { type: 'users_select' as const, action_id: 'colleague' },
      },
    ],
  };
}
