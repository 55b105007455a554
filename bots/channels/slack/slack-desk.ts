import { verifySlackRequest, type webApi } from '@slack/bolt';
import type { FastifyInstance } from 'fastify';
import { DomainError } from '../../../services/errors';
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
    botUserId?: string;
    client: webApi.WebClient;
    caseDesk: CaseDesk;
    tickets: TicketService;
    logger: Logger;
  },
): void {
  const log = deps.logger.child({ component: 'slack-desk' });
  let members: { ids: Set<string>; at: number } | undefined;

  async function isStaff(userId: string): Promise<boolean> {
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

  async function onBlockAction(payload: {
    user: SlackUser;
    channel?: { id: string };
    message?: { ts: string; text?: string };
    actions?: Array<{ value?: string }>;
  }): Promise<void> {
    const value = payload.actions?.[0]?.value ?? '';
    const match = /^case:(claim):([a-f0-9]{24})$/.exec(value);
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
    const caseId = match[2] as string;
    const staff = {
      id: payload.user.id,
      name: payload.user.name ?? payload.user.username ?? payload.user.id,
    };
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

  async function onMessage(event: {
    type: string;
    subtype?: string;
    user?: string;
    bot_id?: string;
    text?: string;
    ts: string;
    thread_ts?: string;
    channel: string;
  }): Promise<void> {
    if (
      event.type !== 'message' ||
      event.subtype ||
      event.bot_id ||
      !event.user ||
      event.user === deps.botUserId
    )
      return;
    if (!event.thread_ts || event.thread_ts === event.ts || event.channel !== deps.escalationChannel) return;
    const ticket = await deps.tickets.byStaffThread(event.channel, event.thread_ts);
    if (!ticket) return;
    const text = (event.text ?? '').trim();
    if (text === '' || /^note:/i.test(text)) return; // internal notes stay in Slack
    if (!(await isStaff(event.user))) return;
    if (ticket.assignee !== event.user) {
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
      else if (body.type === 'event_callback' && body.event) await onMessage(body.event as never);
      return reply.status(200).send();
    });
  });
}
