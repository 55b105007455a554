import { webApi } from '@slack/bolt';
import type { Address, ChannelAdapter, OutboundMessage } from '../../../services/channels/types';
import { ChannelError } from '../../../services/errors';
import type { Logger } from '../../../services/logging/logger';
import { caseButton } from './slack-case-card';

export interface SlackSettings {
  botToken: string;
  /** Web API root with a trailing slash (SLACK_API_URL). */
  apiUrl: string;
}

/** Slack's errors in the core's terms; the outbox decides about retries, not the client. */
function toChannelError(error: unknown): ChannelError {
  const e = error as {
    code?: string;
    data?: { error?: string };
    retryAfter?: number;
    statusCode?: number;
    message?: string;
  };
  if (e.code === webApi.ErrorCode.RateLimitedError) {
    return new ChannelError('slack_rate_limited', 'Slack asked us to slow down', {
      kind: 'rejected',
      status: 429,
      ...(e.retryAfter !== undefined ? { retryAfterSeconds: e.retryAfter } : {}),
      cause: error,
    });
  }
  if (e.code === webApi.ErrorCode.PlatformError) {
    const reason = e.data?.error ?? 'unknown_error';
    // Slack answers 200 with ok:false; these mean "never going to work", others may pass later.
    const permanent = [
      'channel_not_found',
      'not_in_channel',
      'is_archived',
      'invalid_auth',
      'account_inactive',
      'msg_too_long',
    ];
    return new ChannelError(`slack_${reason}`, `Slack said ${reason}`, {
      kind: permanent.includes(reason) ? 'rejected' : 'network',
      ...(permanent.includes(reason) ? { status: 400 } : {}),
      cause: error,
    });
  }
  if (e.code === webApi.ErrorCode.HTTPError && e.statusCode !== undefined && e.statusCode < 500) {
    return new ChannelError('slack_http_error', `Slack answered HTTP ${e.statusCode}`, {
      kind: 'rejected',
      status: e.statusCode,
      cause: error,
    });
  }
  return new ChannelError('slack_network', e.message ?? 'Could not reach Slack', {
    kind: 'network',
    cause: error,
  });
}

/**
 * Buttons as a Block Kit actions block under the text (Slack allows 25 elements). A case
 * button gets the action id the staff desk routes on (`case_claim`); others `ownerbot_<n>`.
 */
function blocksFor(message: OutboundMessage) {
  if (!message.buttons?.length) return undefined;
  return [
    { type: 'section', text: { type: 'mrkdwn', text: message.text } },
    {
      type: 'actions',
      elements: message.buttons.slice(0, 25).map((button, index) =>
        button.action.startsWith('case:')
          ? caseButton(button)
          : {
              type: 'button',
              action_id: `ownerbot_${index}`,
              value: button.action,
              text: { type: 'plain_text', text: button.label.slice(0, 75) },
            },
      ),
    },
  ];
}

/**
 * Slack as an outbound channel: escalations and staff notices to the escalation channel,
 * threaded when the address names a thread. The Web API client's own retries are off, so
 * 429 `Retry-After` and failures are handled by the outbox like every other channel.
 */
export function createSlackChannel(deps: { settings: SlackSettings; logger: Logger }) {
  const client = new webApi.WebClient(deps.settings.botToken, {
    slackApiUrl: deps.settings.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    logLevel: webApi.LogLevel.ERROR,
  });

  const adapter: ChannelAdapter = {
    name: 'slack',
    capabilities: { buttons: true, threads: true, markup: true, maxTextLength: 3000 },
    async start() {
      // Inbound Slack events arrive at POST /slack/events (the staff desk).
    },
    async stop() {},
    async send(address: Address, message: OutboundMessage) {
      try {
        const blocks = blocksFor(message);
        const result = await client.chat.postMessage({
          channel: address.conversationId,
          text: message.text,
          ...(address.threadId ? { thread_ts: address.threadId } : {}),
          ...(blocks ? { blocks } : {}),
        });
        return result.ts ? { platformMessageId: result.ts } : {};
      } catch (error) {
        const failure = toChannelError(error);
        deps.logger.warn({ code: failure.code, channel: 'slack' }, 'Slack send failed');
        throw failure;
      }
    },
  };

  return { adapter, client };
}
