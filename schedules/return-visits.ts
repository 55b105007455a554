import type { ReturnVisitService } from '../services/return-visits/return-visit-service';
import type { Job } from './jobs';

/** Return visits every few minutes: prompts due, phone-visit flags, satisfied visits closed. */
export function returnVisitsJob(returnVisits: ReturnVisitService, cron: string): Job {
  return {
    name: 'return-visits',
    cron,
    run: async () => ({ ...(await returnVisits.run()) }),
    runOnStart: true,
  };
}
