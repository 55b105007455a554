import type { Connection } from 'mongoose';
import type { Clock } from '../clock';
import type { Logger } from '../logging/logger';
import { createTokenContext, readToken, type AccessTokenRecord } from './access-token-records';
import type { OfficialAccountApi } from './api';
import { refreshAsHolder, refreshOrWait, takeLease } from './token-refresh';
import { freshToken, isUsable } from './token-timing';
import { newInstanceId } from '../instance-id';

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
  const ctx = createTokenContext(
    deps,
    {
      appId: deps.api.appId,
      instanceId: deps.instanceId ?? newInstanceId(),
    },
    { ...DEFAULT_ACCESS_TOKEN_SETTINGS, ...deps.settings },
  );
  const fresh = (record: AccessTokenRecord | undefined) =>
    freshToken(record, ctx.now(), ctx.settings.safetyMs);
  /** One refresh or wait per stale token at a time in this instance: concurrent sends share it. */
  const once = createOnceByKey<string>();

  return {
    /** A token valid for at least `safetyMs`; refreshed here when due (by one instance at a time). */
    async current(): Promise<string> {
      const known = fresh(ctx.cached);
      if (known) return known;
      const record = await readToken(ctx);
      const stored = fresh(record);
      if (stored) return stored;
      return once(`due:${record?.token ?? ''}`, async () => {
        if (record && isUsable(record, ctx.now(), ctx.settings.safetyMs)) {
          // Due for its early refresh but still valid: one instance refreshes, the rest use it.
          const generation = await takeLease(ctx, record);
          return generation === undefined
            ? record.token
            : refreshAsHolder(ctx, generation, record.token, false);
        }
        return refreshOrWait(ctx, record?.token ?? '', false);
      });
    },

    /**
     * The API refused `token` (expired or invalidated): returns the token to retry with,
     * refreshing it unless another instance already did.
     */
    async replaceRefused(token: string): Promise<string> {
      return once(`refused:${token}`, () => refreshOrWait(ctx, token, true));
    },

    /** Refreshes made by all instances so far (the token's generation). */
    async refreshCount(): Promise<number> {
      return (
        (await ctx.Tokens.findById(ctx.id, { refreshes: 1 }).lean<Pick<AccessTokenRecord, 'refreshes'>>())
          ?.refreshes ?? 0
      );
    },
  };
}

/** Runs `work` once per key at a time: callers asking with a key already running share its result. */
function createOnceByKey<T>() {
  const inFlight = new Map<string, Promise<T>>();
  return (key: string, work: () => Promise<T>): Promise<T> => {
    let running = inFlight.get(key);
    if (!running) {
      running = work().finally(() => inFlight.delete(key));
      inFlight.set(key, running);
    }
    return running;
  };
}

export type AccessTokenStore = ReturnType<typeof createAccessTokenStore>;
