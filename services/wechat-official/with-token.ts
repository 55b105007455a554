import type { Clock } from '../clock';
import type { Logger } from '../logging/logger';
import { WechatApiError } from './api';
import type { AccessTokenStore } from './access-token';
import { errcodeMeaning, toChannelError } from './errcodes';

/** The API's refusals as the outbox's `ChannelError`s; anything else as it is. */
function asChannelError(error: unknown, clock: Clock, context: string): unknown {
  return error instanceof WechatApiError ? toChannelError(error, clock.now(), context) : error;
}

/**
 * Makes `call` with the shared access token. A refused token is replaced once (by one
 * instance for all) and the call repeated; every other failure, fetching the token
 * included, is thrown as the `ChannelError` the outbox classifies.
 */
export async function withToken<T>(
  deps: { tokens: Pick<AccessTokenStore, 'current' | 'replaceRefused'>; clock: Clock; log: Logger },
  call: (token: string) => Promise<T>,
  context: string,
): Promise<T> {
  // Fetching the token can fail too (an IP missing from the allow-list, a wrong secret).
  const token = await deps.tokens.current().catch((error: unknown) => {
    throw asChannelError(error, deps.clock, 'access token');
  });
  try {
    return await call(token);
  } catch (error) {
    if (!(error instanceof WechatApiError && errcodeMeaning(error.errcode).meaning === 'token'))
      throw asChannelError(error, deps.clock, context);
    deps.log.info({ errcode: error.errcode }, 'WeChat refused the access token; refreshing it once');
    try {
      return await call(await deps.tokens.replaceRefused(token));
    } catch (retryError) {
      throw asChannelError(retryError, deps.clock, context);
    }
  }
}
