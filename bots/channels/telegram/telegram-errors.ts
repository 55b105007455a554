import { GrammyError, HttpError } from 'grammy';
import { ChannelError } from '../../../services/errors';

/** grammY's errors in the core's terms: the API said no (with its code), or the network failed. */
export function toChannelError(error: unknown): ChannelError {
  if (error instanceof GrammyError) {
    return new ChannelError(`telegram_${error.error_code}`, error.description, {
      kind: error.error_code >= 500 ? 'network' : 'rejected',
      status: error.error_code,
      ...(error.parameters.retry_after !== undefined
        ? { retryAfterSeconds: error.parameters.retry_after }
        : {}),
      cause: error,
    });
  }
  if (error instanceof HttpError) {
    return new ChannelError('telegram_network', 'Could not reach the Telegram Bot API', {
      kind: 'network',
      cause: error,
    });
  }
  return new ChannelError('telegram_error', error instanceof Error ? error.message : String(error), {
    kind: 'network',
    cause: error,
  });
}
