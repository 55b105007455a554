import { App, LogLevel, type Logger as BoltLogger, type webApi } from '@slack/bolt';
import type { FastifyInstance } from 'fastify';
import type { InboundMessage } from '../../../services/channels/types';
import type { Clock } from '../../../services/clock';
import type { Language } from '../../../services/i18n/text';
import type { Logger } from '../../../services/logging/logger';
import type { OwnerService } from '../../../services/owners/owner-service';
import type { TicketService } from '../../../services/tickets/ticket-service';
import type { CaseDesk } from '../../core/case-desk';
import { onClaim, onHandoverAnswer, onOpenForm } from './slack-actions';
import type { SlackDeskContext } from './slack-context';
import { onAnnounce, onMessage } from './slack-messages';
import type {
  BlockActionsBody,
  MessageEventBody,
  SlashCommandBody,
  ViewSubmissionBody,
} from './slack-payloads';
import { createSlackReceiver } from './slack-receiver';
import { createSlackStaff } from './slack-staff';
import { onHandoverSubmitted, onReclassifySubmitted, onResolveSubmitted } from './slack-submissions';

export interface SlackDeskDeps {
  signingSecret: string;
  botToken: string;
  /** Web API root (SLACK_API_URL), for anything Bolt itself asks Slack. */
  apiUrl: string;
  /** Both given: Bolt never calls `auth.test`. */
  botId?: string;
  botUserId?: string;
  escalationChannel: string;
  staffUserIds: readonly string[];
  /** May act on any case; also counted as staff. */
  supervisorUserIds?: readonly string[];
  /** The app's Web API client (no retries of its own: failures surface at once). */
  client: webApi.WebClient;
  caseDesk: CaseDesk;
  tickets: TicketService;
  owners: Pick<OwnerService, 'identityByKey' | 'ownerOf'>;
  /** Stores an owner's message (a DM to the app) in the core, like any channel's. */
  receive: (message: InboundMessage) => Promise<void>;
  /** `/announce` from staff: stores the notice and starts its delivery; returns the ephemeral answer. */
  announce?: (input: { text: string; staffId: string; requestId: string }) => Promise<string>;
  clock: Clock;
  logger: Logger;
  /** STAFF_LANGUAGE and BOT_TIMEZONE. */
  language: Language;
  timeZone: string;
}

/** Bolt's logger on top of ours (Bolt logs rarely; its errors are ours to see). */
function boltLogger(logger: Logger): BoltLogger {
  const log = logger.child({ component: 'bolt' });
  return {
    debug: (...message) => log.debug(message.map(String).join(' ')),
    info: (...message) => log.info(message.map(String).join(' ')),
    warn: (...message) => log.warn(message.map(String).join(' ')),
    error: (...message) => log.error(message.map(String).join(' ')),
    setLevel: () => undefined,
    getLevel: () => LogLevel.INFO,
    setName: () => undefined,
  };
}

/**
 * The staff desk in Slack at POST /slack/events, on Bolt: each button (`case_claim`,
 * `case_handover`, `case_resolve`, `case_reclassify`, `case_accept`, `case_decline`), each
 * modal and each message is routed by Bolt to its listener. Requests are checked by the
 * receiver first (signature, age both ways, shape). Only staff may act; the ticket service
 * decides whose case it is. Every action is safe to repeat.
 */
export function registerSlackDesk(server: FastifyInstance, deps: SlackDeskDeps): void {
  const log = deps.logger.child({ component: 'slack-desk' });
  const receiver = createSlackReceiver({ signingSecret: deps.signingSecret, clock: deps.clock, logger: log });
  const app = new App({
    receiver,
    token: deps.botToken,
    ...(deps.botId ? { botId: deps.botId } : {}),
    ...(deps.botUserId ? { botUserId: deps.botUserId } : {}),
    tokenVerificationEnabled: false,
    convoStore: false,
    logger: boltLogger(log),
    clientOptions: { slackApiUrl: deps.apiUrl, retryConfig: { retries: 0 } },
  });
  const context: SlackDeskContext = {
    client: deps.client,
    caseDesk: deps.caseDesk,
    tickets: deps.tickets,
    owners: deps.owners,
    staff: createSlackStaff({
      client: deps.client,
      escalationChannel: deps.escalationChannel,
      staffUserIds: deps.staffUserIds,
      supervisorUserIds: deps.supervisorUserIds ?? [],
      clock: deps.clock,
      logger: log,
    }),
    escalationChannel: deps.escalationChannel,
    language: deps.language,
    timeZone: deps.timeZone,
    clock: deps.clock,
    log,
  };
  const actions = (body: unknown) => body as BlockActionsBody;
  const views = (body: unknown) => body as ViewSubmissionBody;

  app.action('case_claim', async ({ ack, body }) => {
    await ack();
    await onClaim(context, actions(body));
  });
  for (const form of ['resolve', 'handover', 'reclassify'] as const) {
    app.action(`case_${form}`, async ({ ack, body }) => {
      await ack();
      await onOpenForm(context, actions(body), form);
    });
  }
  for (const answer of ['accept', 'decline'] as const) {
    app.action(`case_${answer}`, async ({ ack, body }) => {
      await ack();
      await onHandoverAnswer(context, actions(body), answer);
    });
  }
  app.view(/^resolve:/, async ({ ack, body }) => ack(await onResolveSubmitted(context, views(body))));
  app.view(/^reclassify:/, async ({ ack, body }) => ack(await onReclassifySubmitted(context, views(body))));
  app.view(/^handover:/, async ({ ack, body }) => ack(await onHandoverSubmitted(context, views(body))));
  app.event('message', async ({ event }) =>
    onMessage(context, event as unknown as MessageEventBody, deps.receive),
  );
  app.command('/announce', async ({ ack, command }) =>
    ack(await onAnnounce(context, command as SlashCommandBody, deps.announce)),
  );
  receiver.routes(server);
}
