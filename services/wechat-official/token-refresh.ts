import { trusted } from '../database/connect';
import { ChannelError } from '../errors';
import { isDuplicateKey } from '../outbox/outbox';
import {
  readToken,
  type AccessTokenRecord,
  type RefreshLeaseRecord,
  type TokenContext,
} from './access-token-records';
import { isUsable, refreshDueAt } from './token-timing';

const leaseId = (ctx: TokenContext, generation: number) => `${ctx.id}:${generation}`;

/** Wins the lease of the refresh after `record`'s generation; undefined when a rival holds it. */
export async function takeLease(
  ctx: TokenContext,
  record: AccessTokenRecord | undefined,
): Promise<number | undefined> {
  const generation = (record?.refreshes ?? 0) + 1;
  const at = ctx.now();
  for (let tries = 0; tries < 2; tries++) {
    try {
      await ctx.Leases.collection.insertOne({
        _id: leaseId(ctx, generation),
        owner: ctx.me,
        leaseUntil: new Date(at + ctx.settings.leaseMs),
        createdAt: new Date(at),
      } as unknown as RefreshLeaseRecord & { _id: never });
      return generation;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      // A holder that stopped mid-refresh left its lease: once it lapsed, take it over.
      const lapsed = await ctx.Leases.deleteOne({
        _id: leaseId(ctx, generation),
        leaseUntil: trusted({ $lte: new Date(at) }),
      });
      if (lapsed.deletedCount === 0) return undefined;
    }
  }
  return undefined;
}

/** Stores the new token as generation `generation`, unless a later generation is stored already. */
async function storeToken(
  ctx: TokenContext,
  answer: { accessToken: string; expiresInSeconds: number },
  generation: number,
): Promise<void> {
  const at = ctx.now();
  const expiresAt = at + answer.expiresInSeconds * 1000;
  const record: AccessTokenRecord = {
    _id: ctx.id,
    token: answer.accessToken,
    expiresAt: new Date(expiresAt),
    refreshAt: new Date(refreshDueAt(at, expiresAt, ctx.settings.refreshBeforeMs)),
    refreshes: generation,
    refreshedAt: new Date(at),
  };
  await ctx.Tokens.updateOne(
    { _id: ctx.id, refreshes: trusted({ $lt: generation }) },
    { $set: record },
    { upsert: true },
  ).catch((error: unknown) => {
    if (!isDuplicateKey(error)) throw error;
  });
  ctx.cached = record;
}

/** As holder of refresh `generation`: asks the platform once (twice when forced), stores the token. */
export async function refreshAsHolder(
  ctx: TokenContext,
  generation: number,
  stale: string,
  refused: boolean,
): Promise<string> {
  try {
    const stored = await readToken(ctx);
    // A slow reader of an old generation: the refresh it won a lease for happened already.
    if (stored && stored.refreshes >= generation && isUsable(stored, ctx.now(), ctx.settings.safetyMs))
      return stored.token;
    let answer = await ctx.api.stableToken(false);
    // Normal mode returned the very token the API just refused: only a forced refresh helps.
    if (refused && answer.accessToken === stale) answer = await ctx.api.stableToken(true);
    await storeToken(ctx, answer, generation);
    // The previous generation's lease is no longer needed: nobody can win it any more.
    await ctx.Leases.deleteOne({ _id: leaseId(ctx, generation - 1) });
    ctx.log.info(
      { expiresInSeconds: answer.expiresInSeconds, refused, generation },
      'WeChat access token refreshed',
    );
    return answer.accessToken;
  } catch (error) {
    // Give the lease back so another caller may try at once.
    await ctx.Leases.deleteOne({ _id: leaseId(ctx, generation), owner: ctx.me }).catch(() => undefined);
    throw error;
  }
}

/** Refreshes, or waits for the instance that is refreshing (taking over if its lease lapses). */
export async function refreshOrWait(ctx: TokenContext, stale: string, refused: boolean): Promise<string> {
  const deadline = ctx.now() + ctx.settings.leaseMs * 3;
  for (;;) {
    const record = await readToken(ctx);
    if (record && record.token !== stale && isUsable(record, ctx.now(), ctx.settings.safetyMs))
      return record.token;
    const generation = await takeLease(ctx, record);
    if (generation !== undefined) return refreshAsHolder(ctx, generation, stale, refused);
    if (ctx.now() > deadline)
      throw new ChannelError(
        'wechat_token_unavailable',
        'no WeChat access token after waiting for a refresh',
        {
          kind: 'network',
        },
      );
    await new Promise((resolve) => setTimeout(resolve, ctx.settings.pollMs));
  }
}
