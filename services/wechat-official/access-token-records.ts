import { Schema, type Connection, type Model } from 'mongoose';
import type { Clock } from '../clock';
import { modelOn } from '../database/model';
import type { Logger } from '../logging/logger';
import type { AccessTokenSettings } from './access-token';
import type { OfficialAccountApi } from './api';

/** The account's access token, one document per app id (`_id`), shared by every instance. */
export interface AccessTokenRecord {
  _id: string;
  token: string;
  expiresAt: Date;
  /** From here on the next caller refreshes (before `expiresAt`, so nobody has to wait). */
  refreshAt: Date;
  /** The generation of this token: refreshes made so far by all instances. */
  refreshes: number;
  refreshedAt: Date;
}

/** The right to make refresh number N: `_id` `<appId>:<N>`, won by one unique insert. */
export interface RefreshLeaseRecord {
  _id: string;
  owner: string;
  leaseUntil: Date;
  createdAt: Date;
}

const tokenSchema = new Schema<AccessTokenRecord>(
  {
    _id: { type: String, required: true },
    token: { type: String, required: true },
    expiresAt: { type: Date, required: true },
    refreshAt: { type: Date, required: true },
    refreshes: { type: Number, required: true },
    refreshedAt: { type: Date, required: true },
  },
  { versionKey: false },
);

const leaseSchema = new Schema<RefreshLeaseRecord>(
  {
    _id: { type: String, required: true },
    owner: { type: String, required: true },
    leaseUntil: { type: Date, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);

/** What the token store's pieces share: the two collections, this instance and its cache. */
export interface TokenContext {
  Tokens: Model<AccessTokenRecord>;
  Leases: Model<RefreshLeaseRecord>;
  api: Pick<OfficialAccountApi, 'stableToken'>;
  /** The app id: the token's `_id`. */
  id: string;
  /** This instance, as lease owner. */
  me: string;
  log: Logger;
  settings: AccessTokenSettings;
  now: () => number;
  /** The token record this instance read or wrote last. */
  cached: AccessTokenRecord | undefined;
}

/** The context on `wechat_access_tokens` and `wechat_token_leases`, with an empty cache. */
export function createTokenContext(
  deps: { connection: Connection; api: TokenContext['api']; clock: Clock; logger: Logger },
  ids: { appId: string; instanceId: string },
  settings: AccessTokenSettings,
): TokenContext {
  return {
    Tokens: modelOn<AccessTokenRecord>(
      deps.connection,
      'WechatAccessToken',
      tokenSchema,
      'wechat_access_tokens',
    ),
    Leases: modelOn<RefreshLeaseRecord>(
      deps.connection,
      'WechatTokenLease',
      leaseSchema,
      'wechat_token_leases',
    ),
    api: deps.api,
    id: ids.appId,
    me: ids.instanceId,
    log: deps.logger.child({ component: 'wechat-token' }),
    settings,
    now: () => deps.clock.now().getTime(),
    cached: undefined,
  };
}

/** Reads the stored token into the cache; undefined when none was stored yet. */
export async function readToken(ctx: TokenContext): Promise<AccessTokenRecord | undefined> {
  ctx.cached = (await ctx.Tokens.findById(ctx.id).lean<AccessTokenRecord>()) ?? undefined;
  return ctx.cached;
}
