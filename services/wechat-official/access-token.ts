import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { Schema, type Connection } from 'mongoose';
import type { Clock } from '../clock';
import { trusted } from '../database/connect';
import { modelOn } from '../database/model';
import { ChannelError } from '../errors';
import type { Logger } from '../logging/logger';
import { isDuplicateKey } from '../outbox/outbox';
import type { OfficialAccountApi } from './api';

/** The account's access token, one document per app id (`_id`), shared by every instance. */
interface AccessTokenRecord {
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
interface RefreshLeaseRecord {
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

export interface AccessTokenSettings {
  /** Refresh this long before expiry. The platform issues the next stable token 5 minutes early. */
  refreshBeforeMs: number;
  /** A token closer than this to its expiry is not used (a request in flight would see it expire). */
  safetyMs: number;
  /** How long a refresh may take before another instance may try. */
  leaseMs: number;
  /** How often a waiting instance looks for the holder's new token. */
  pollMs: number;
}

export const DEFAULT_ACCESS_TOKEN_SETTINGS: AccessTokenSettings = {
  refreshBeforeMs: 4 * 60_000,
  safetyMs: 15_000,
  leaseMs: 15_000,
  pollMs: 200,
};

/**
 * The Official Account access token, cached in memory and in the database so that several
 * instances share one (`wechat_access_tokens`). It is refreshed once before it expires and
 * once when the API refuses it, by whichever instance wins that refresh's lease (a unique
 * insert into `wechat_token_leases`, atomic on every engine); the others keep using a token
 * that is still valid, or wait for the winner's. Uses the stable-token endpoint, whose normal
 * mode hands everyone the same valid token, and forces a new one only when the platform
 * refused a token that normal mode still returns.
 */
export function createAccessTokenStore(deps: {
  connection: Connection;
  api: Pick<OfficialAccountApi, 'stableToken' | 'appId'>;
  clock: Clock;
  logger: Logger;
  instanceId?: string;
  settings?: Partial<AccessTokenSettings>;
}) {
  const settings: AccessTokenSettings = { ...DEFAULT_ACCESS_TOKEN_SETTINGS, ...deps.settings };
  const Tokens = modelOn<AccessTokenRecord>(
    deps.connection,
    'WechatAccessToken',
    tokenSchema,
    'wechat_access_tokens',
  );
  const Leases = modelOn<RefreshLeaseRecord>(
    deps.connection,
    'WechatTokenLease',
    leaseSchema,
    'wechat_token_leases',
  );
  const id = deps.api.appId;
  const me = deps.instanceId ?? `${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const log = deps.logger.child({ component: 'wechat-token' });
  let cached: AccessTokenRecord | undefined;
  /** One refresh or wait per stale token at a time in this instance: concurrent sends share it. */
  const inFlight = new Map<string, Promise<string>>();

  const now = () => deps.clock.now().getTime();
  const usable = (record: AccessTokenRecord | undefined): boolean =>
    !!record && now() < record.expiresAt.getTime() - settings.safetyMs;
  /** The token to use as it is: valid, and not yet due for its early refresh. */
  const freshToken = (record: AccessTokenRecord | undefined): string | undefined =>
    record && usable(record) && now() < record.refreshAt.getTime() ? record.token : undefined;
  const read = async () => (cached = (await Tokens.findById(id).lean<AccessTokenRecord>()) ?? undefined);

  /** Wins the lease of the refresh after `record`'s generation; undefined when a rival holds it. */
  async function takeLease(record: AccessTokenRecord | undefined): Promise<number | undefined> {
    const generation = (record?.refreshes ?? 0) + 1;
    const at = now();
    for (let tries = 0; tries < 2; tries++) {
      try {
        await Leases.collection.insertOne({
          _id: `${id}:${generation}`,
          owner: me,
          leaseUntil: new Date(at + settings.leaseMs),
          createdAt: new Date(at),
        } as unknown as RefreshLeaseRecord & { _id: never });
        return generation;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        // A holder that stopped mid-refresh left its lease: once it lapsed, take it over.
        const lapsed = await Leases.deleteOne({
          _id: `${id}:${generation}`,
          leaseUntil: trusted({ $lte: new Date(at) }),
        });
        if (lapsed.deletedCount === 0) return undefined;
      }
    }
    return undefined;
  }

  /** As holder of refresh `generation`: asks the platform once (twice when forced), stores the token. */
  async function refreshAsHolder(generation: number, stale: string, refused: boolean): Promise<string> {
    try {
      const stored = await read();
      // A slow reader of an old generation: the refresh it won a lease for happened already.
      if (stored && stored.refreshes >= generation && usable(stored)) return stored.token;
      let answer = await deps.api.stableToken(false);
      // Normal mode returned the very token the API just refused: only a forced refresh helps.
      if (refused && answer.accessToken === stale) answer = await deps.api.stableToken(true);
      const at = now();
      const expiresAt = at + answer.expiresInSeconds * 1000;
      const refreshAt = Math.min(
        expiresAt,
        Math.max(at + Math.min(60_000, (expiresAt - at) / 2), expiresAt - settings.refreshBeforeMs),
      );
      const record: AccessTokenRecord = {
        _id: id,
        token: answer.accessToken,
        expiresAt: new Date(expiresAt),
        refreshAt: new Date(refreshAt),
        refreshes: generation,
        refreshedAt: new Date(at),
      };
      await Tokens.updateOne(
        { _id: id, refreshes: trusted({ $lt: generation }) },
        { $set: record },
        { upsert: true },
      ).catch((error: unknown) => {
        if (!isDuplicateKey(error)) throw error;
      });
      cached = record;
      // The previous generation's lease is no longer needed: nobody can win it any more.
      await Leases.deleteOne({ _id: `${id}:${generation - 1}` });
      log.info(
        { expiresInSeconds: answer.expiresInSeconds, refused, generation },
        'WeChat access token refreshed',
      );
      return answer.accessToken;
    } catch (error) {
      // Give the lease back so another caller may try at once.
      await Leases.deleteOne({ _id: `${id}:${generation}`, owner: me }).catch(() => undefined);
      throw error;
    }
  }

  /** Refreshes, or waits for the instance that is refreshing (taking over if its lease lapses). */
  async function refreshOrWait(stale: string, refused: boolean): Promise<string> {
    const deadline = now() + settings.leaseMs * 3;
    for (;;) {
      const record = await read();
      if (record && record.token !== stale && usable(record)) return record.token;
      const generation = await takeLease(record);
      if (generation !== undefined) return refreshAsHolder(generation, stale, refused);
      if (now() > deadline)
        throw new ChannelError(
          'wechat_token_unavailable',
          'no WeChat access token after waiting for a refresh',
          {
            kind: 'network',
          },
        );
      await new Promise((resolve) => setTimeout(resolve, settings.pollMs));
    }
  }

  const once = (key: string, work: () => Promise<string>): Promise<string> => {
    let running = inFlight.get(key);
    if (!running) {
      running = work().finally(() => inFlight.delete(key));
      inFlight.set(key, running);
    }
    return running;
  };

  return {
    /** A token valid for at least `safetyMs`; refreshed here when due (by one instance at a time). */
    async current(): Promise<string> {
      const known = freshToken(cached);
      if (known) return known;
      const record = await read();
      const stored = freshToken(record);
      if (stored) return stored;
      return once(`due:${record?.token ?? ''}`, async () => {
        if (record && usable(record)) {
          // Due for its early refresh but still valid: one instance refreshes, the rest use it.
          const generation = await takeLease(record);
          return generation === undefined ? record.token : refreshAsHolder(generation, record.token, false);
        }
        return refreshOrWait(record?.token ?? '', false);
      });
    },

    /**
     * The API refused `token` (expired or invalidated): returns the token to retry with,
     * refreshing it unless another instance already did.
     */
    async replaceRefused(token: string): Promise<string> {
      return once(`refused:${token}`, () => refreshOrWait(token, true));
    },

    /** Refreshes made by all instances so far (the token's generation). */
    async refreshCount(): Promise<number> {
      return (
        (await Tokens.findById(id, { refreshes: 1 }).lean<Pick<AccessTokenRecord, 'refreshes'>>())
          ?.refreshes ?? 0
      );
    },
  };
}

export type AccessTokenStore = ReturnType<typeof createAccessTokenStore>;
