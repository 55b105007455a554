import type { QuietHours } from '../surveys/local-time';
import type { SlaPolicy } from '../tickets/sla';
import type { TemplateKind, TemplateSpec } from '../wechat-official/template-render';
import type { WebChatLimits } from './web-chat-limits';

/** Why each owner channel is on or off, for the start-up log. */
export interface ChannelStatus {
  channel: 'web' | 'telegram' | 'wechat' | 'slack';
  enabled: boolean;
  reason: string;
}

/** Everything the process needs, validated; built once by `loadConfig` in the composition root. */
export interface Config {
  port: number;
  host: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  timezone: string;
  /** What staff and managers read (escalations, SLA warnings, digest, desk, dashboard): zh or en. */
  staffLanguage: 'zh' | 'en';
  adminToken: string | undefined;
  database: {
    /** Unset: start the embedded engine with data in `dataDir`. */
    uri: string | undefined;
    dataDir: string;
    /** Where the embedded engine binary is built and kept (git-ignored). */
    cacheDir: string;
  };
  telegram: { token: string; apiRoot: string; webhookSecret: string | undefined } | undefined;
  slack:
    | {
        botToken: string;
        signingSecret: string;
        apiUrl: string;
        escalationChannel: string | undefined;
        /** Who may act on cases from Slack; empty = members of the escalation channel. */
        staffUserIds: string[];
        /** Staff who may act on any case, whoever owns it. */
        supervisorUserIds: string[];
        /** User group mentioned on emergencies (`S…`), if any. */
        onCallGroup: string | undefined;
        botId: string | undefined;
        botUserId: string | undefined;
      }
    | undefined;
  wechat: { puppet: string; puppetToken: string | undefined } | undefined;
  /** The Official Account API (customer-service and template messages); needs `wechat`. */
  wechatOfficial:
    | {
        appId: string;
        appSecret: string;
        apiRoot: string;
        /** Template per kind of outreach; a kind without one cannot reach owners outside 48 hours. */
        templates: Partial<Record<TemplateKind, TemplateSpec>>;
      }
    | undefined;
  channels: ChannelStatus[];
  conversation: {
    /** How the bot names the property in greetings; unset = "the property service centre". */
    propertyName: string | undefined;
    /** The property's 24-hour duty line, given with emergency replies; '' when unset. */
    dutyPhone: string;
    /** Follow-ups within this time of the owner's last message attach to their open case. */
    followUpWindowMs: number;
  };
  sla: SlaPolicy;
  /** Scheduled outreach (docs/outreach.md): surveys, return visits, SLA watch, digest. */
  outreach: {
    surveyCron: string;
    /** Survey resume/reminders/expiry, return visits, announcements: every few minutes. */
    upkeepCron: string;
    slaCron: string;
    digestCron: string;
    quietHours: QuietHours | null;
    surveyRemindMs: number;
    surveyExpireMs: number;
    returnVisitDelayMs: number;
    returnVisitPhoneAfterMs: number;
  };
  /** Message texts older than this many days are erased by the retention purge; undefined = kept. */
  messageRetentionDays: number | undefined;
  /** Messages one sender may send per minute before the flood guard holds the rest back. */
  floodMessagesPerMinute: number;
  /** Messages per minute on one channel above which each sender's allowance drops to 3 a minute. */
  floodChannelMessagesPerMinute: number;
  /** How long a message or outbox entry taken by an instance stays its own; after a crash another instance takes over after this. */
  handlingLeaseMs: number;
  /** Limits on the anonymous web chat; null = off. */
  webChatLimits: WebChatLimits | null;
  /** Proxies (addresses, CIDRs) whose X-Forwarded-For names the client; empty = the socket's address. */
  trustedProxies: string[];
}
