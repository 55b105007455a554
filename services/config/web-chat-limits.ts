/**
 * Limits on the anonymous web chat (anyone who can reach the page may write): per client
 * address and for all anonymous traffic of an instance together. `WEB_CHAT_LIMITS` names the
 * ones to change (`key=N/period` for rates, `key=N` for open streams); `off` disables them all.
 */
export interface WebChatLimits {
  /** New sessions one address may create. */
  sessionsPerAddress: Rate;
  /** Messages one address may send. */
  messagesPerAddress: Rate;
  /** Photos one address may upload (each also counts as a message). */
  uploadsPerAddress: Rate;
  /** Event streams one address may hold open at once. */
  streamsPerAddress: number;
  /** Event streams one session may hold open at once (a few tabs). */
  streamsPerSession: number;
  /** New sessions of all addresses together. */
  anonymousSessions: Rate;
  /** Messages of all addresses together. */
  anonymousMessages: Rate;
  /** Photos of all addresses together: what anonymous uploads may add to the database. */
  anonymousUploads: Rate;
  /** Event streams of all addresses together. */
  anonymousStreams: number;
}

/** `count` events per `periodMs`. */
export interface Rate {
  count: number;
  periodMs: number;
}

const PERIODS: Record<string, number> = { s: 1000, min: 60_000, h: 3_600_000, d: 86_400_000 };

const RATE_KEYS = {
  sessions_per_address: 'sessionsPerAddress',
  messages_per_address: 'messagesPerAddress',
  uploads_per_address: 'uploadsPerAddress',
  anonymous_sessions: 'anonymousSessions',
  anonymous_messages: 'anonymousMessages',
  anonymous_uploads: 'anonymousUploads',
} as const;
const COUNT_KEYS = {
  streams_per_address: 'streamsPerAddress',
  streams_per_session: 'streamsPerSession',
  anonymous_streams: 'anonymousStreams',
} as const;

export const DEFAULT_WEB_CHAT_LIMITS: WebChatLimits = {
  sessionsPerAddress: { count: 30, periodMs: PERIODS.h as number },
  messagesPerAddress: { count: 60, periodMs: PERIODS.min as number },
  uploadsPerAddress: { count: 30, periodMs: PERIODS.h as number },
  streamsPerAddress: 20,
  streamsPerSession: 3,
  anonymousSessions: { count: 600, periodMs: PERIODS.min as number },
  anonymousMessages: { count: 1200, periodMs: PERIODS.min as number },
  anonymousUploads: { count: 600, periodMs: PERIODS.h as number },
  anonymousStreams: 2000,
};

/** How a setting is written in WEB_CHAT_LIMITS (for docs and errors). */
export function describeWebChatLimits(limits: WebChatLimits): string {
  const period = (ms: number) => Object.entries(PERIODS).find(([, value]) => value === ms)?.[0] ?? `${ms}ms`;
  const rates = Object.entries(RATE_KEYS).map(([key, field]) => {
    const rate = limits[field];
    return `${key}=${rate.count}/${period(rate.periodMs)}`;
  });
  const counts = Object.entries(COUNT_KEYS).map(([key, field]) => `${key}=${limits[field]}`);
  return [...rates, ...counts].join(',');
}

/**
 * Parses WEB_CHAT_LIMITS: unset = the defaults, `off` = no limits (benchmarks, trusted internal
 * deployments), else `key=value` pairs where unnamed keys keep their defaults. Returns every
 * problem at once.
 */
export function parseWebChatLimits(value: string | undefined): {
  limits: WebChatLimits | null;
  problems: string[];
} {
  if (value === undefined || value.trim() === '') return { limits: DEFAULT_WEB_CHAT_LIMITS, problems: [] };
  if (value.trim().toLowerCase() === 'off') return { limits: null, problems: [] };
  const limits: WebChatLimits = { ...DEFAULT_WEB_CHAT_LIMITS };
  const problems: string[] = [];
  for (const pair of value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const [key = '', setting = ''] = pair.split('=').map((part) => part.trim());
    if (key in RATE_KEYS) {
      const match = /^(\d+)\/(s|min|h|d)$/.exec(setting);
      if (!match || Number(match[1]) < 1)
        problems.push(`"${pair}" must be ${key}=N/period with N >= 1 and period s, min, h or d`);
      else
        limits[RATE_KEYS[key as keyof typeof RATE_KEYS]] = {
          count: Number(match[1]),
          periodMs: PERIODS[match[2] as string] as number,
        };
    } else if (key in COUNT_KEYS) {
      if (!/^\d+$/.test(setting) || Number(setting) < 1)
        problems.push(`"${pair}" must be ${key}=N with N >= 1`);
      else limits[COUNT_KEYS[key as keyof typeof COUNT_KEYS]] = Number(setting);
    } else {
      problems.push(
        `"${key}" is not a limit; use ${[...Object.keys(RATE_KEYS), ...Object.keys(COUNT_KEYS)].join(', ')} or off`,
      );
    }
  }
  return { limits: problems.length > 0 ? null : limits, problems };
}
