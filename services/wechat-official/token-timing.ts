/**
 * When a stored access token may be used and when it is due for its early refresh. Pure:
 * each function takes the time it decides at.
 */

/** Valid for at least `safetyMs` more at `at` (a request in flight will not see it expire). */
export function isUsable(record: { expiresAt: Date } | undefined, at: number, safetyMs: number): boolean {
  return !!record && at < record.expiresAt.getTime() - safetyMs;
}

/** The token to use as it is: usable, and not yet due for its early refresh. */
export function freshToken(
  record: { token: string; expiresAt: Date; refreshAt: Date } | undefined,
  at: number,
  safetyMs: number,
): string | undefined {
  return record && isUsable(record, at, safetyMs) && at < record.refreshAt.getTime()
    ? record.token
    : undefined;
}

/**
 * When a token issued at `at` and expiring at `expiresAt` is due for its refresh:
 * `refreshBeforeMs` before expiry, but not before a minute or half its life (whichever is
 * shorter) has passed, and never after it expires.
 */
export function refreshDueAt(at: number, expiresAt: number, refreshBeforeMs: number): number {
  return Math.min(
    expiresAt,
    Math.max(at + Math.min(60_000, (expiresAt - at) / 2), expiresAt - refreshBeforeMs),
  );
}
