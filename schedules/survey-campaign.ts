import type { Logger } from '../services/logging/logger';
import type { SurveyService } from '../services/surveys/survey-service';
import { periodKeys } from '../services/tickets/ticket-model';
import { lastFireAtOrBefore } from './cron-time';
import type { Job } from './jobs';

export interface SurveyJobDeps {
  surveys: SurveyService;
  /** When campaigns start (SURVEY_CRON, default 10:00 on 1 January, April, July, October). */
  cron: string;
  timezone: string;
  /** A start missed for longer than this (the campaign would be over) is not caught up. */
  expireAfterMs: number;
  logger: Logger;
}

/**
 * One survey run: if the survey cron fired at or before `now` (the last time it should
 * have) and that campaign would still be open, its campaign is created (once: a unique
 * insert); then every running campaign is sent on (resuming after a crash or quiet
 * hours), reminders go out and campaigns past expiry close. Running it again, on any
 * instance, at any time, asks nobody twice; that is what makes catch-up on start safe.
 */
export async function runSurveyCampaign(deps: SurveyJobDeps, now: Date): Promise<Record<string, unknown>> {
  const fire = lastFireAtOrBefore(deps.cron, now, deps.timezone, 400);
  let quarter = '';
  let created = false;
  if (fire && now.getTime() - fire.getTime() < deps.expireAfterMs) {
    quarter = periodKeys(fire, deps.timezone).quarter;
    ({ created } = await deps.surveys.startCampaign(quarter));
  }
  const upkeep = await deps.surveys.upkeep();
  let queued = 0;
  const stopped: string[] = [];
  for (const campaign of await deps.surveys.runningCampaigns()) {
    const report = await deps.surveys.sendCampaign(campaign._id);
    queued += report.queued;
    if (report.stopped) stopped.push(`${campaign.quarter}:${report.stopped}`);
  }
  return {
    quarter,
    created,
    queued,
    ...upkeep,
    ...(stopped.length > 0 ? { stopped: stopped.join(',') } : {}),
  };
}

/**
 * Two schedules, one function: the survey cron starts campaigns on time; the upkeep cron
 * (every few minutes) resumes, reminds, expires and catches up a start the service missed.
 */
export function surveyJobs(deps: SurveyJobDeps, upkeepCron: string): Job[] {
  return [
    {
      name: 'survey-campaign',
      cron: deps.cron,
      run: (now) => runSurveyCampaign(deps, now),
      runOnStart: true,
    },
    { name: 'survey-upkeep', cron: upkeepCron, run: (now) => runSurveyCampaign(deps, now) },
  ];
}
