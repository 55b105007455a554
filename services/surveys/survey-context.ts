import type { Connection } from 'mongoose';
import type { Clock } from '../clock';
import { indexesReady } from '../database/indexes-ready';
import type { Logger } from '../logging/logger';
import type { Outbox } from '../outbox/outbox';
import type { OwnerService } from '../owners/owner-service';
import { isQuiet } from './local-time';
import { createSurveyDefinitions, type SurveyDefinitions } from './survey-definitions';
import {
  surveyModels,
  type SurveyCampaignRecord,
  type SurveyDefinitionRecord,
  type SurveyModels,
} from './survey-model';
import { DEFAULT_SURVEY_SETTINGS, type SurveySettings } from './survey-settings';

/** What the survey service is built from; `settings` and `definitions` have defaults. */
export interface SurveyDeps {
  connection: Connection;
  owners: OwnerService;
  outbox: Outbox;
  clock: Clock;
  logger: Logger;
  settings?: Partial<SurveySettings>;
  definitions?: SurveyDefinitions;
}

/** The state the survey modules share: models, collaborators, settings and the definition cache. */
export interface SurveyContext {
  models: Pick<SurveyModels, 'Campaigns' | 'Responses' | 'Answers'>;
  owners: OwnerService;
  outbox: Outbox;
  clock: Clock;
  log: Logger;
  settings: SurveySettings;
  definitions: SurveyDefinitions;
  /** Resolves once the unique indexes that make the inserts idempotent exist. */
  ready: () => Promise<void>;
  /** The definition a campaign was started with (cached: definitions are never edited in place). */
  definitionOf: (campaign: SurveyCampaignRecord) => Promise<SurveyDefinitionRecord>;
  /** Whether `at` falls in the configured quiet hours. */
  isQuiet: (at: Date) => boolean;
}

/** Builds the shared context once per service: settings merged over the defaults. */
export function createSurveyContext(deps: SurveyDeps): SurveyContext {
  const settings: SurveySettings = { ...DEFAULT_SURVEY_SETTINGS, ...deps.settings };
  const { Campaigns, Responses, Answers } = surveyModels(deps.connection);
  const definitions =
    deps.definitions ?? createSurveyDefinitions({ connection: deps.connection, clock: deps.clock });
  const cache = new Map<string, SurveyDefinitionRecord>();
  return {
    models: { Campaigns, Responses, Answers },
    owners: deps.owners,
    outbox: deps.outbox,
    clock: deps.clock,
    log: deps.logger.child({ component: 'surveys' }),
    settings,
    definitions,
    ready: indexesReady(Campaigns, Responses, Answers),
    async definitionOf(campaign) {
      const cached = cache.get(campaign.definitionId);
      if (cached) return cached;
      const found = await definitions.get(campaign.definitionId);
      cache.set(found._id, found);
      return found;
    },
    isQuiet: (at) => isQuiet(at, settings.quietHours, settings.timeZone),
  };
}
