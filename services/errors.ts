/**
 * The error kinds of ownerbot. Every error we raise ourselves is an `AppError` with a
 * stable string `code`, so callers branch on codes, never on message text.
 */
export class AppError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** An expected rule violation (a case that cannot close yet, a wrong unit); becomes a polite reply. */
export class DomainError extends AppError {}

/**
 * A platform failure. `kind` separates "the API said no" (a 4xx with a reason) from
 * "the network failed" (timeouts, resets, 5xx), because only the second is worth retrying blindly.
 */
export class ChannelError extends AppError {
  readonly kind: 'rejected' | 'network';
  readonly status: number | undefined;
  /** Seconds the platform asked us to wait (Telegram `retry_after`, Slack `Retry-After`). */
  readonly retryAfterSeconds: number | undefined;
  /**
   * Whether the wait applies to every send on the channel (a rate limit, the default) or only
   * to this kind of message (a daily quota of one API, such as WeChat's template messages).
   */
  readonly pausesChannel: boolean;

  constructor(
    code: string,
    message: string,
    details: {
      kind: 'rejected' | 'network';
      status?: number;
      retryAfterSeconds?: number;
      pausesChannel?: boolean;
      cause?: unknown;
    },
  ) {
    super(code, message, { cause: details.cause });
    this.kind = details.kind;
    this.status = details.status;
    this.retryAfterSeconds = details.retryAfterSeconds;
    this.pausesChannel = details.pausesChannel ?? true;
  }
}

/** Configuration that cannot work; lists every bad key at once so one edit fixes them all. */
export class ConfigError extends AppError {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super('config_invalid', `Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.problems = problems;
  }
}

/** The database engine could not be started or reached. */
export class DatabaseError extends AppError {}
