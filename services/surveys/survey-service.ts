import { sendCampaign, type CampaignSendOptions } from './campaign-send';
import { startCampaign } from './campaign-start';
import { upkeep } from './campaign-upkeep';
import { questionMessage } from './question-message';
import { createSurveyAnswerer } from './survey-answer';
import { createSurveyContext, type SurveyDeps } from './survey-context';
import { getCampaign, responseCounts, runningCampaigns } from './survey-queries';

export type { CampaignSendReport } from './campaign-send';
export { campaignIdOf, surveyMessageKey } from './survey-keys';
export { DEFAULT_SURVEY_SETTINGS, type SurveySettings } from './survey-settings';

/**
 * The quarterly survey: one campaign per quarter (a unique insert), one first message per
 * owner per campaign (the outbox key `survey:<quarter>:<ownerId>`) and one response (a
 * unique insert right after it), questions one at a time, every answer stored at once
 * (`<responseId>:<questionId>`, answering again replaces it), reminders and expiry.
 * Sending is a resumable pass: run it again after a crash, on another instance, or twice
 * at once, and each owner is still asked once.
 */
export function createSurveyService(deps: SurveyDeps) {
  const ctx = createSurveyContext(deps);
  return {
    definitions: ctx.definitions,
    /** Creates the quarter's campaign once, whichever instance gets there first. */
    startCampaign: (quarter: string) => startCampaign(ctx, quarter),
    /** Asks every verified, reachable owner not yet asked; resumable, stops at quiet hours. */
    sendCampaign: (campaignId: string, options?: CampaignSendOptions) =>
      sendCampaign(ctx, campaignId, options),
    /** Reminds owners who have not finished (once each), and closes campaigns past expiry. */
    upkeep: () => upkeep(ctx),
    /** A campaign by id; undefined when there is none. */
    getCampaign: (campaignId: string) => getCampaign(ctx, campaignId),
    /** Campaigns still sending, reminding or waiting for answers. */
    runningCampaigns: () => runningCampaigns(ctx),
    /** Responses of a campaign by status, for `survey status`. */
    responseCounts: (campaignId: string) => responseCounts(ctx, campaignId),
    /** The dialog's view: the open survey question is a pending question. */
    answerer: createSurveyAnswerer(ctx),
    /** Question `index` as the owner sees it, with its buttons. */
    questionMessage,
  };
}

export type SurveyService = ReturnType<typeof createSurveyService>;
