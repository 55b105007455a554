import { ChannelError } from '../errors';

export type FailureKind = 'rate_limited' | 'network' | 'rejected' | 'timeout' | 'error';

/** What a failed send means for its entry. */
export interface SendFailure {
  kind: FailureKind;
  /** The platform said no for good (blocked, chat not found): retrying cannot help. */
  permanent: boolean;
  /** The platform's own wait, honoured exactly (no jitter, never shorter). */
  retryAfterMs?: number;
  /** False when that wait concerns this entry's kind of message only, not the whole channel. */
  pausesChannel?: boolean;
  status?: number;
  code: string;
  /** Stored on the entry; may contain platform wording, never message text. */
  reason: string;
}

/**
 * Sorts a send error (grammY's split, see STYLE): a 429 or 5xx, a network failure, a
 * timeout or any unknown error is worth retrying; a 4xx the platform said no with (403
 * bot blocked, 400 chat not found) is not. 408 is a timeout, so it is retried too.
 */
export function classifySendFailure(error: unknown): SendFailure {
  if (error instanceof ChannelError) {
    const status = error.status;
    const base = {
      code: error.code,
      reason: describe(error.code, status, error.message),
      ...(status !== undefined ? { status } : {}),
    };
    if (status === 429 || error.retryAfterSeconds !== undefined) {
      const retryAfterMs =
        error.retryAfterSeconds !== undefined && error.retryAfterSeconds >= 0
          ? Math.ceil(error.retryAfterSeconds * 1000)
          : undefined;
      return {
        ...base,
        kind: 'rate_limited',
        permanent: false,
        ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
        ...(error.pausesChannel ? {} : { pausesChannel: false }),
      };
    }
    if (error.code === 'send_timeout') return { ...base, kind: 'timeout', permanent: false };
    if (
      error.kind === 'rejected' &&
      (status === undefined || (status >= 400 && status < 500 && status !== 408))
    )
      return { ...base, kind: 'rejected', permanent: true };
    return { ...base, kind: 'network', permanent: false };
  }
  const message = error instanceof Error ? error.message : String(error);
  return {
    kind: 'error',
    permanent: false,
    code: 'send_error',
    reason: describe('send_error', undefined, message),
  };
}

function describe(code: string, status: number | undefined, message: string): string {
  return `${code}${status !== undefined ? ` (${status})` : ''}: ${message}`.slice(0, 500);
}

/**
 * Exponential backoff with "equal jitter": half the delay is fixed, half random, so
 * retries spread out after an outage but never come back sooner than half the step.
 */
export function retryDelayMs(
  failures: number,
  options: { baseMs: number; maxMs: number; random?: () => number },
): number {
  const step = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, failures - 1));
  return Math.round(step / 2 + (step / 2) * (options.random ?? Math.random)());
}

/** Masks digit runs that could be phone numbers or chat ids, for log lines. */
export function forLog(text: string): string {
  return text.replace(
    /\+?\d[\d\s-]{5,}\d/g,
    (run) => `${'*'.repeat(Math.max(0, run.length - 4))}${run.slice(-4)}`,
  );
}
