/**
 * The normalized vocabulary every channel adapter translates to and from. Services and
 * the conversation core speak only these types; nothing here knows a platform's wire format.
 */

export const CHANNEL_NAMES = ['web', 'telegram', 'wechat', 'slack'] as const;
export type ChannelName = (typeof CHANNEL_NAMES)[number];

/** Where a message goes: a conversation on a channel, optionally a thread in it. */
export interface Address {
  channel: ChannelName;
  /** Telegram chat id, WeChat contact id, Slack channel/DM id, web chat session id. */
  conversationId: string;
  /** Slack thread ts; unused elsewhere. */
  threadId?: string;
}

/** A choice offered to the owner. `action` comes back as `InboundMessage.action` when chosen. */
export interface Button {
  label: string;
  action: string;
}

export interface OutboundMessage {
  text: string;
  /** The reader's language, for texts the renderer adds (the numbered-choice hint). */
  language?: 'zh' | 'en';
  buttons?: Button[];
  /** Platform id of the message this one answers, where the platform can show that. */
  replyToPlatformMessageId?: string;
  /** Set by the outbox dispatcher on each send, never stored: what the message is for. */
  delivery?: Delivery;
}

/**
 * The outbox entry a send belongs to. An adapter may choose how to deliver by it (WeChat
 * sends a template message for outreach outside its 48-hour window).
 */
export interface Delivery {
  /** The entry's idempotency key, e.g. `survey:2026Q4:<ownerId>`. */
  key: string;
  /** The outbox purpose: `reply`, `notification`, `survey`, `return_visit`, `announcement`, ... */
  purpose: string;
  /** Which part of a split message this is (0-based), of `parts`. */
  part: number;
  parts: number;
}

export interface Attachment {
  kind: 'photo' | 'document' | 'voice' | 'video' | 'sticker' | 'location' | 'other';
  /** Platform reference (Telegram file_id, WeChat message id, URL); never the bytes. */
  reference: string;
  name?: string;
}

export interface InboundMessage {
  channel: ChannelName;
  /** Unique per channel; the deduplication key together with `channel`. */
  platformMessageId: string;
  conversationId: string;
  threadId?: string;
  sender: { id: string; displayName?: string };
  text: string;
  /** Set when the owner pressed a button (or answered a numbered choice). */
  action?: string;
  attachments: Attachment[];
  receivedAt: Date;
  /**
   * The client's network address, where the channel knows it (the web chat: the socket's, or
   * a trusted proxy's X-Forwarded-For). Absent where the platform authenticates the sender.
   */
  clientAddress?: string;
}

export interface ChannelCapabilities {
  /**
   * A send repeated for the same delivery (entry key and part) has one effect: the web chat
   * writes its transcript under that key. A send whose sender died mid-request can then
   * simply be sent again, instead of being given up as "outcome unknown".
   */
  idempotentSends?: boolean;
  /**
   * Sending is a write to ownerbot's own database, with no platform to pace or wait for:
   * the instance that queues a message on this channel sends it at once, before the entry
   * is stored, which needs `idempotentSends` too (a crash in between repeats the send).
   */
  local?: boolean;
  buttons: boolean;
  threads: boolean;
  markup: boolean;
  maxTextLength: number;
}

export interface SendResult {
  platformMessageId?: string;
}

/**
 * A channel adapter: five members, no business rules. `send` throws `ChannelError`
 * (kind `rejected` when the platform said no, `network` when it could not be reached;
 * `retryAfterSeconds` when the platform asked us to wait).
 */
export interface ChannelAdapter {
  name: ChannelName;
  capabilities: ChannelCapabilities;
  start(onMessage: (message: InboundMessage) => Promise<void>): Promise<void>;
  stop(): Promise<void>;
  send(address: Address, message: OutboundMessage): Promise<SendResult>;
}
