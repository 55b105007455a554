import type { OwnerService } from '../services/owners/owner-service';
import type { Job } from './jobs';

/**
 * Hourly, deletes the binding failure counters whose window has passed (a forgotten counter
 * already counts for nothing; this keeps the collection small after many addresses tried).
 */
export function bindingCountersJob(
  owners: Pick<OwnerService, 'purgeBindingCounters'>,
  cron = '41 * * * *',
): Job {
  return {
    name: 'binding-counters',
    cron,
    run: async () => ({ deleted: await owners.purgeBindingCounters() }),
  };
}
