import type { DigestService } from '../services/digest/digest-service';
import { localParts } from '../services/surveys/local-time';
import { lastFireAtOrBefore } from './cron-time';
import type { Job } from './jobs';

/**
 * The morning digest: the day before the digest cron's last firing, if that was within a
 * day (so a start after downtime sends the morning's digest once, keyed by its date).
 */
export async function runDailyDigest(
  deps: { digest: DigestService; cron: string; timezone: string },
  now: Date,
): Promise<Record<string, unknown>> {
  const fire = lastFireAtOrBefore(deps.cron, now, deps.timezone, 2);
  if (!fire || now.getTime() - fire.getTime() >= 86_400_000) return { queued: false };
  return { ...(await deps.digest.send(localParts(fire, deps.timezone).date)) };
}

export function dailyDigestJob(deps: { digest: DigestService; cron: string; timezone: string }): Job {
  return { name: 'daily-digest', cron: deps.cron, run: (now) => runDailyDigest(deps, now), runOnStart: true };
}
