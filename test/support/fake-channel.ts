import type {
  Address,
  ChannelAdapter,
  ChannelCapabilities,
  ChannelName,
  InboundMessage,
  OutboundMessage,
  SendResult,
} from '../../services/channels/types';
import { systemClock, type Clock } from '../../services/clock';
import { ChannelError } from '../../services/errors';

/** A message the fake platform accepted. */
export interface FakeDelivery {
  address: Address;
  message: OutboundMessage;
  at: Date;
  platformMessageId: string;
}

/** Every call to `send`, whatever came of it. */
export interface FakeRequest {
  address: Address;
  message: OutboundMessage;
  at: Date;
  outcome: 'sent' | 'failed' | 'rate_limited' | 'hung';
  error?: ChannelError;
}

/** Platform answers tests ask for, shaped like the real adapters' errors. */
export const fakeChannelErrors = {
  /** Telegram's 429 with `parameters.retry_after`, Slack's 429 with `Retry-After`. */
  tooManyRequests: (retryAfterSeconds: number) =>
    new ChannelError('rate_limited', `Too Many Requests: retry after ${retryAfterSeconds}`, {
      kind: 'rejected',
      status: 429,
      retryAfterSeconds,
    }),
  serverError: (status = 500) =>
    new ChannelError('server_error', 'Internal Server Error', { kind: 'network', status }),
  /** Telegram when the owner blocked the bot. */
  blocked: () =>
    new ChannelError('forbidden', 'Forbidden: bot was blocked by the user', {
      kind: 'rejected',
      status: 403,
    }),
  chatNotFound: () =>
    new ChannelError('bad_request', 'Bad Request: chat not found', { kind: 'rejected', status: 400 }),
  network: () => new ChannelError('network', 'connect ECONNRESET', { kind: 'network' }),
};

export interface FakeChannelOptions {
  name?: ChannelName;
  capabilities?: Partial<ChannelCapabilities>;
  /** Timestamps of records and the platform's own rate window; default the system clock. */
  clock?: Clock;
  /**
   * The platform's own limits: more accepted sends than this within any window answers 429
   * with `retryAfterSeconds` (default 1). A send exactly `windowMs` ago has left the window.
   */
  rateLimit?: {
    perSecond?: number;
    perConversationPerSecond?: number;
    windowMs?: number;
    retryAfterSeconds?: number;
  };
  /** Real milliseconds each send takes before answering. */
  latencyMs?: number;
}

export type FakeChannel = ReturnType<typeof createFakeChannel>;

/**
 * A channel adapter for tests (hubot's DummyAdapter idea): records what is sent, can be
 * told to fail or hang the next sends, can enforce a platform rate limit, and re-emits
 * inbound messages to the `onMessage` given to `start`, so a whole conversation can run
 * through the real core. It is a `ChannelAdapter` itself, so pass it wherever one goes.
 */
export function createFakeChannel(options: FakeChannelOptions = {}) {
  const name = options.name ?? 'web';
  const clock = options.clock ?? systemClock;
  const capabilities: ChannelCapabilities = {
    buttons: true,
    threads: name === 'slack',
    markup: true,
    maxTextLength: 4096,
    ...options.capabilities,
  };
  const sent: FakeDelivery[] = [];
  const requests: FakeRequest[] = [];
  const failures: Array<() => ChannelError> = [];
  const hangs: Array<{ delivered: boolean }> = [];
  const hung: Array<{
    delivered: boolean;
    resolve: (result: SendResult) => void;
    reject: (e: Error) => void;
  }> = [];
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  let onMessage: ((message: InboundMessage) => Promise<void>) | undefined;
  let nextId = 1;
  let inboundId = 1;

  const limit = options.rateLimit;
  const windowMs = limit?.windowMs ?? 1000;
  const overLimit = (address: Address, at: number): boolean => {
    if (!limit) return false;
    const recent = sent.filter((delivery) => delivery.at.getTime() > at - windowMs);
    if (limit.perSecond !== undefined && recent.length >= (limit.perSecond * windowMs) / 1000) return true;
    if (limit.perConversationPerSecond === undefined) return false;
    const inConversation = recent.filter((d) => d.address.conversationId === address.conversationId);
    return inConversation.length >= (limit.perConversationPerSecond * windowMs) / 1000;
  };

  const accept = (address: Address, message: OutboundMessage, at: Date): FakeDelivery => {
    const delivery = { address, message, at, platformMessageId: `${name}-${nextId++}` };
    sent.push(delivery);
    for (const waiter of waiters.filter((w) => sent.length >= w.count)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
    return delivery;
  };

  const adapter = {
    name,
    capabilities,
    async start(handler: (message: InboundMessage) => Promise<void>): Promise<void> {
      onMessage = handler;
    },
    async stop(): Promise<void> {
      onMessage = undefined;
    },
    async send(address: Address, message: OutboundMessage): Promise<SendResult> {
      const at = clock.now();
      const request: FakeRequest = { address, message, at, outcome: 'sent' };
      requests.push(request);
      if (options.latencyMs) await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
      const failure = failures.shift();
      if (failure) {
        request.outcome = 'failed';
        request.error = failure();
        throw request.error;
      }
      if (overLimit(address, at.getTime())) {
        request.outcome = 'rate_limited';
        request.error = fakeChannelErrors.tooManyRequests(limit?.retryAfterSeconds ?? 1);
        throw request.error;
      }
      const hang = hangs.shift();
      if (hang) {
        request.outcome = 'hung';
        const delivery = hang.delivered ? accept(address, message, at) : undefined;
        return new Promise<SendResult>((resolve, reject) =>
          hung.push({
            delivered: hang.delivered,
            resolve: () => resolve({ platformMessageId: delivery?.platformMessageId ?? '' }),
            reject,
          }),
        );
      }
      return { platformMessageId: accept(address, message, at).platformMessageId };
    },
  } satisfies ChannelAdapter;

  return {
    ...adapter,
    /** Accepted messages, in order. */
    sent,
    /** Every send call, in order, with its outcome. */
    requests,
    /** Texts of the accepted messages, in order. */
    texts: (): string[] => sent.map((delivery) => delivery.message.text),
    /** 429 answers given by the platform's own rate limit (not by `failNext`). */
    rateLimited: (): number => requests.filter((request) => request.outcome === 'rate_limited').length,

    /** The next `count` sends fail with this error (a fresh one per send when given a factory). */
    failNext(count: number, error: ChannelError | (() => ChannelError)): void {
      for (let i = 0; i < count; i++) failures.push(typeof error === 'function' ? error : () => error);
    },

    /**
     * The next `count` sends never answer, like a platform (or a process) that stopped
     * mid-request. `delivered`: the platform accepted them before going silent.
     */
    hangNext(count: number, options: { delivered: boolean }): void {
      for (let i = 0; i < count; i++) hangs.push({ delivered: options.delivered });
    },

    /** Answers the hung sends at last: delivered ones succeed, the others fail with a network error. */
    releaseHung(): void {
      for (const call of hung.splice(0)) {
        if (call.delivered) call.resolve({});
        else call.reject(fakeChannelErrors.network());
      }
    },

    /** Resolves once `count` messages have been accepted; rejects after `timeoutMs`. */
    waitForSent(count: number, timeoutMs = 10_000): Promise<void> {
      if (sent.length >= count) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(
            new Error(`fake ${name} channel: ${sent.length} of ${count} messages after ${timeoutMs} ms`),
          );
        }, timeoutMs);
        const waiter = {
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        };
        waiters.push(waiter);
      });
    },

    /**
     * An owner writes: builds a full `InboundMessage` from the given fields and hands it to
     * the `onMessage` given to `start`, resolving when that has finished.
     */
    async deliver(inbound: Partial<InboundMessage> & { text: string }): Promise<InboundMessage> {
      if (!onMessage) throw new Error(`fake ${name} channel: deliver() before start()`);
      const message: InboundMessage = {
        channel: name,
        platformMessageId: `in-${inboundId++}`,
        conversationId: 'conversation-1',
        sender: { id: 'owner-1' },
        attachments: [],
        receivedAt: clock.now(),
        ...inbound,
      };
      await onMessage(message);
      return message;
    },

    /** Forgets records and queued failures or hangs (hung sends stay hung until released). */
    reset(): void {
      sent.length = 0;
      requests.length = 0;
      failures.length = 0;
      hangs.length = 0;
    },
  };
}
