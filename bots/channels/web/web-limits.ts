import type { Clock } from '../../../services/clock';
import type { Rate, WebChatLimits } from '../../../services/config/web-chat-limits';

/** Which limit said no, and when trying again can work. */
export interface Refusal {
  limit: string;
  retryAfterSeconds: number;
}

/** Addresses tracked before idle ones (full buckets) are forgotten. */
const MAX_TRACKED = 50_000;

/** A token bucket: `count` at once, refilled evenly over `periodMs`. */
function createBuckets(rate: Rate, clock: Clock) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const refill = (bucket: { tokens: number; at: number }, now: number) => {
    bucket.tokens = Math.min(rate.count, bucket.tokens + ((now - bucket.at) * rate.count) / rate.periodMs);
    bucket.at = now;
  };
  return (key: string): number => {
    const now = clock.now().getTime();
    let bucket = buckets.get(key);
    if (!bucket) {
      if (buckets.size >= MAX_TRACKED) forgetIdle(buckets, (b) => (refill(b, now), b.tokens >= rate.count));
      bucket = { tokens: rate.count, at: now };
      buckets.set(key, bucket);
    }
    refill(bucket, now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - bucket.tokens) * rate.periodMs) / rate.count / 1000);
  };
}

function forgetIdle<T>(map: Map<string, T>, idle: (value: T) => boolean): void {
  for (const [key, value] of map) if (idle(value)) map.delete(key);
}

/** Open things per key, within a ceiling. */
function createGauge(max: number) {
  const open = new Map<string, number>();
  return {
    take(key: string): boolean {
      const now = open.get(key) ?? 0;
      if (now >= max) return false;
      open.set(key, now + 1);
      return true;
    },
    give(key: string): void {
      const now = (open.get(key) ?? 1) - 1;
      if (now <= 0) open.delete(key);
      else open.set(key, now);
    },
  };
}

/**
 * The anonymous web chat's limits for this instance: per client address and for everyone
 * together. A refusal names the limit and when to try again; `null` limits allow everything.
 */
export function createWebChatGuard(limits: WebChatLimits | null, clock: Clock) {
  if (!limits) {
    return {
      allowSession: (_address: string): Refusal | undefined => undefined,
      allowMessage: (_address: string): Refusal | undefined => undefined,
      allowUpload: (_address: string): Refusal | undefined => undefined,
      openStream: (_address: string, _session: string): { release(): void } | Refusal => ({ release() {} }),
    };
  }
  const sessionsPerAddress = createBuckets(limits.sessionsPerAddress, clock);
  const anonymousSessions = createBuckets(limits.anonymousSessions, clock);
  const messagesPerAddress = createBuckets(limits.messagesPerAddress, clock);
  const anonymousMessages = createBuckets(limits.anonymousMessages, clock);
  const uploadsPerAddress = createBuckets(limits.uploadsPerAddress, clock);
  const anonymousUploads = createBuckets(limits.anonymousUploads, clock);
  const streamsPerAddress = createGauge(limits.streamsPerAddress);
  const streamsPerSession = createGauge(limits.streamsPerSession);
  const streamsOfEveryone = createGauge(limits.anonymousStreams);

  const first = (checks: Array<[string, () => number]>): Refusal | undefined => {
    for (const [limit, check] of checks) {
      const wait = check();
      if (wait > 0) return { limit, retryAfterSeconds: wait };
    }
    return undefined;
  };
  return {
    allowSession: (address: string) =>
      first([
        ['sessions_per_address', () => sessionsPerAddress(address)],
        ['anonymous_sessions', () => anonymousSessions('*')],
      ]),
    allowMessage: (address: string) =>
      first([
        ['messages_per_address', () => messagesPerAddress(address)],
        ['anonymous_messages', () => anonymousMessages('*')],
      ]),
    /** A photo upload: the upload limits, then the message limits (a photo is a message too). */
    allowUpload: (address: string) =>
      first([
        ['uploads_per_address', () => uploadsPerAddress(address)],
        ['anonymous_uploads', () => anonymousUploads('*')],
        ['messages_per_address', () => messagesPerAddress(address)],
        ['anonymous_messages', () => anonymousMessages('*')],
      ]),
    /** Takes a stream place for the address and the session, or says which limit is full. */
    openStream(address: string, session: string): { release(): void } | Refusal {
      if (!streamsPerSession.take(session)) return { limit: 'streams_per_session', retryAfterSeconds: 5 };
      if (!streamsPerAddress.take(address)) {
        streamsPerSession.give(session);
        return { limit: 'streams_per_address', retryAfterSeconds: 30 };
      }
      if (!streamsOfEveryone.take('*')) {
        streamsPerSession.give(session);
        streamsPerAddress.give(address);
        return { limit: 'anonymous_streams', retryAfterSeconds: 30 };
      }
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          streamsPerSession.give(session);
          streamsPerAddress.give(address);
          streamsOfEveryone.give('*');
        },
      };
    },
  };
}

export type WebChatGuard = ReturnType<typeof createWebChatGuard>;

/** The same limit is logged at most this often (a flood would otherwise flood the log too). */
const REFUSAL_LOG_EVERY_MS = 60_000;

/**
 * What an operator sees when a limit trips: every refusal counted in
 * `ownerbot_web_chat_refused_total{limit}`, and one warning per limit a minute naming the
 * address and how many were refused since the last warning.
 */
export function reportRefusals(
  metrics: { webChatRefused: { inc(labels: { limit: string }): void } },
  logger: { warn(fields: object, message: string): void },
  clock: Clock,
): (refusal: Refusal, address: string) => void {
  const lastLogged = new Map<string, { at: number; refused: number }>();
  return (refusal, address) => {
    metrics.webChatRefused.inc({ limit: refusal.limit });
    const now = clock.now().getTime();
    const entry = lastLogged.get(refusal.limit) ?? { at: 0, refused: 0 };
    entry.refused += 1;
    if (now - entry.at >= REFUSAL_LOG_EVERY_MS) {
      logger.warn(
        { limit: refusal.limit, address, refusedSinceLastWarning: entry.refused },
        'Web chat limit reached; requests over it get 429 (WEB_CHAT_LIMITS)',
      );
      entry.at = now;
      entry.refused = 0;
    }
    lastLogged.set(refusal.limit, entry);
  };
}
