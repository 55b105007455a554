import type { Address } from '../services/channels/types';
import type { Config } from '../services/config/load-config';
import type { DigestService } from '../services/digest/digest-service';
import type { Logger } from '../services/logging/logger';
import type { Outbox } from '../services/outbox/outbox';
import type { ReturnVisitService } from '../services/return-visits/return-visit-service';
import type { SurveyService } from '../services/surveys/survey-service';
import type { TicketService } from '../services/tickets/ticket-service';
import { dailyDigestJob } from './daily-digest';
import type { Job } from './jobs';
import { returnVisitsJob } from './return-visits';
import { slaEscalationsJob } from './sla-escalations';
import { surveyJobs } from './survey-campaign';

/** Every scheduled job of the app, with the crons from the configuration. */
export function allJobs(deps: {
  config: Pick<Config, 'outreach' | 'timezone'> & Partial<Pick<Config, 'staffLanguage'>>;
  tickets: TicketService;
  outbox: Outbox;
  surveys: SurveyService;
  returnVisits: ReturnVisitService;
  digest: DigestService;
  logger: Logger;
  staffAddress?: Address;
  /** Extra jobs (announcement resume) registered by their own module. */
  extra?: Job[];
}): Job[] {
  const { outreach, timezone } = deps.config;
  return [
    slaEscalationsJob(
      {
        tickets: deps.tickets,
        outbox: deps.outbox,
        logger: deps.logger,
        timeZone: timezone,
        language: deps.config.staffLanguage ?? 'zh',
        ...(deps.staffAddress ? { staffAddress: deps.staffAddress } : {}),
      },
      outreach.slaCron,
    ),
    ...surveyJobs(
      {
        surveys: deps.surveys,
        cron: outreach.surveyCron,
        timezone,
        expireAfterMs: outreach.surveyExpireMs,
        logger: deps.logger,
      },
      outreach.upkeepCron,
    ),
    returnVisitsJob(deps.returnVisits, outreach.upkeepCron),
    dailyDigestJob({ digest: deps.digest, cron: outreach.digestCron, timezone }),
    ...(deps.extra ?? []),
  ];
}
