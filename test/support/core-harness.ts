import type { Connection } from 'mongoose';
import pino from 'pino';
import { createUnderstanding, type Understander } from '../../nlp';
import { loadModel } from '../../nlp/model-cache';
import { outboxStaffPort, recordingOutbox, ticketCases } from '../../bots/core/cases';
import { createFloodGuard } from '../../bots/core/flood-guard';
import { createMessagePath, type MessagePathSettings } from '../../bots/core/message-path/message-path';
import { createInboundPipeline } from '../../bots/core/inbound';
import type { Address, InboundMessage } from '../../services/channels/types';
import { createFakeClock, type FakeClock } from '../../services/clock';
import type { Logger } from '../../services/logging/logger';
import type { Outbox } from '../../services/outbox/outbox';
import type { OwnerService } from '../../services/owners/owner-service';
import type { OutreachAnswerer } from '../../services/surveys/outreach-answer';
import type { TicketService } from '../../services/tickets/ticket-service';
import { createConversationStates } from '../../services/conversations/conversation-state';
import { createFaqStore } from '../../services/knowledge/faq-store';
import { createOutbox } from '../../services/outbox/outbox';
import { outboxModels, toOutboxEntry, type OutboxEntry } from '../../services/outbox/outbox-model';
import { createOwnerService } from '../../services/owners/owner-service';
import { createTicketService } from '../../services/tickets/ticket-service';

let understander: Understander | undefined;

/** The shipped model (corpus train + dev), trained once per test process or read from the cache. */
export function realUnderstander(): Understander {
  understander ??= createUnderstanding({ model: loadModel().model });
  return understander;
}

export const STAFF_ADDRESS: Address = { channel: 'slack', conversationId: 'C_ESCALATIONS' };

/**
 * The conversation core as the app wires it, on a real database, with the real classifier and
 * a fake clock: messages go in through the inbound pipeline, replies come out as outbox entries.
 */
export function createCoreHarness(
  connection: Connection,
  settings: Partial<MessagePathSettings> = {},
  /** Survey and return-visit answerers, built on the harness's own clock and services. */
  outreach?: (parts: {
    clock: FakeClock;
    owners: OwnerService;
    outbox: Outbox;
    tickets: TicketService;
    logger: Logger;
  }) => OutreachAnswerer[],
) {
  const logger = pino({ level: process.env.HARNESS_LOG ?? 'silent' });
  const clock = createFakeClock('2026-11-22T02:00:00Z');
  const outbox = createOutbox({ connection, clock });
  const dutyPhone = settings.dutyPhone ?? '0571-8000-0110';
  const owners = createOwnerService({
    connection,
    clock,
    bindNotice: { outbox, timeZone: 'Asia/Shanghai', help: { dutyPhone } },
  });
  const tickets = createTicketService({ connection, clock });
  const states = createConversationStates({ connection, clock });
  const faq = createFaqStore({ connection, clock });
  const understanding = realUnderstander();
  const answerers = outreach?.({ clock, owners, outbox, tickets, logger }) ?? [];
  // The flood guard is tested on its own; here it never holds anything back.
  const flood = createFloodGuard({
    outbox,
    clock,
    logger,
    languageOf: async () => undefined,
    settings: { perSenderPerMinute: 1_000_000, perChannelPerMinute: 1_000_000 },
  });
  const dialog = createMessagePath({
    outreach: answerers,
    flood,
    owners,
    understand: (text) => understanding.understand(text),
    faq,
    cases: ticketCases(tickets),
    staff: outboxStaffPort({ outbox, staffAddress: STAFF_ADDRESS, logger }),
    // As the app wires it: what the bot tells an owner about a case is kept on the case too.
    outbox: recordingOutbox(outbox, tickets, logger),
    states,
    clock,
    logger,
    settings: { ...settings, dutyPhone },
  });
  let duplicates = 0;
  const handledWaiters = new Map<string, () => void>();
  const inbound = createInboundPipeline({
    connection,
    clock,
    logger,
    handle: async (message) => {
      const result = await dialog.handle(message);
      handledWaiters.get(message.key)?.();
      handledWaiters.delete(message.key);
      return result;
    },
    onDuplicate: () => duplicates++,
  });
  let counter = 0;

  /** An owner message as an adapter would hand it over. */
  function message(
    text: string,
    options: { from?: string; id?: string; action?: string; channel?: 'telegram' | 'wechat' | 'web' } = {},
  ): InboundMessage {
    const from = options.from ?? 'owner-1';
    return {
      channel: options.channel ?? 'telegram',
      platformMessageId: options.id ?? `m${++counter}-${Date.now()}`,
      conversationId: `chat-${from}`,
      sender: { id: from, displayName: `Owner ${from}` },
      text,
      ...(options.action ? { action: options.action } : {}),
      attachments: [],
      receivedAt: clock.now(),
    };
  }

  /** Sends a message through the whole inbound path and waits until it is handled. */
  async function send(text: string, options: Parameters<typeof message>[1] = {}) {
    const stored = await inbound.receive(message(text, options));
    await inbound.idle();
    return stored;
  }

  /** Stores a message and resolves when the dialog has handled it (its reply is then queued). */
  function deliverAndWait(inbound_: InboundMessage): Promise<void> {
    const handled = new Promise<void>((resolve) =>
      handledWaiters.set(`${inbound_.channel}:${inbound_.platformMessageId}`, resolve),
    );
    return inbound.receive(inbound_).then(() => handled);
  }

  /** Outbox entries queued for a conversation (owner replies) or for the staff desk, oldest first. */
  async function queued(to: { from?: string; staff?: boolean } = {}): Promise<OutboxEntry[]> {
    const { entries } = outboxModels(connection);
    const conversationId = to.staff ? STAFF_ADDRESS.conversationId : `chat-${to.from ?? 'owner-1'}`;
    const records = await entries
      .find({ 'address.conversationId': conversationId })
      .sort({ createdAt: 1, _id: 1 })
      .lean();
    return records.map(toOutboxEntry);
  }

  /** The texts of the replies to an owner, oldest first. */
  async function replies(from = 'owner-1'): Promise<string[]> {
    return (await queued({ from })).map((entry) => entry.message.text);
  }

  return {
    clock,
    logger,
    owners,
    tickets,
    outbox,
    states,
    dialog,
    inbound,
    message,
    send,
    deliverAndWait,
    queued,
    replies,
    get duplicates() {
      return duplicates;
    },
  };
}
