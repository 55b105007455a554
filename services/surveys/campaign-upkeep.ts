import { trusted } from '../database/connect';
import { localize } from '../i18n/text';
import { surveyTexts } from '../i18n/surveys';
import { questionMessage } from './question-message';
import type { SurveyContext } from './survey-context';
import { surveyReminderKey } from './survey-keys';
import type { SurveyCampaignRecord, SurveyResponseRecord } from './survey-model';
import { OPEN_STATUSES, runningCampaigns } from './survey-queries';

/** What one upkeep pass did over all running campaigns. */
export interface UpkeepReport {
  reminded: number;
  expired: number;
  closed: number;
}

/**
 * Reminds owners who have not finished (once each, outside quiet hours), and closes
 * campaigns past expiry, expiring their unfinished responses; answers given are kept.
 */
export async function upkeep(ctx: SurveyContext): Promise<UpkeepReport> {
  await ctx.ready();
  const now = ctx.clock.now();
  const result: UpkeepReport = { reminded: 0, expired: 0, closed: 0 };
  for (const campaign of await runningCampaigns(ctx)) {
    if (now >= campaign.expiresAt) {
      result.expired += await closeCampaign(ctx, campaign, now);
      result.closed++;
    } else if (now >= campaign.remindAt && !ctx.isQuiet(now)) {
      result.reminded += await remindUnfinished(ctx, campaign, now);
    }
  }
  return result;
}

/** Expires the campaign's open responses and marks it done; returns how many expired. */
async function closeCampaign(ctx: SurveyContext, campaign: SurveyCampaignRecord, now: Date): Promise<number> {
  const expired = await ctx.models.Responses.updateMany(
    { campaignId: campaign._id, status: trusted({ $in: OPEN_STATUSES }) },
    { $set: { status: 'expired' } },
  );
  await ctx.models.Campaigns.updateOne(
    { _id: campaign._id, status: 'running' },
    { $set: { status: 'done', finishedAt: now } },
  );
  ctx.log.info({ campaign: campaign._id, expired: expired.modifiedCount }, 'Survey campaign closed');
  return expired.modifiedCount;
}

/** Asks the current question again of every unfinished, reachable owner not yet reminded. */
async function remindUnfinished(
  ctx: SurveyContext,
  campaign: SurveyCampaignRecord,
  now: Date,
): Promise<number> {
  const definition = await ctx.definitionOf(campaign);
  const due = await ctx.models.Responses.find({
    campaignId: campaign._id,
    status: trusted({ $in: OPEN_STATUSES }),
    reminderSentAt: null,
  }).lean<SurveyResponseRecord[]>();
  let reminded = 0;
  for (const response of due) {
    const identity = await ctx.owners.identityByKey(response.identityKey);
    if (!identity || identity.unreachable) continue;
    const language = identity.language;
    await ctx.outbox.enqueue({
      key: surveyReminderKey(campaign.quarter, response.ownerId),
      address: identity.address,
      purpose: 'survey',
      ownerId: response.ownerId,
      message: questionMessage(
        definition,
        campaign.quarter,
        Math.min(response.nextQuestion, definition.questions.length - 1),
        language,
        localize(surveyTexts.reminder, language),
      ),
    });
    await ctx.models.Responses.updateOne(
      { _id: response._id },
      { $set: { reminderSentAt: now, askedAt: now } },
    );
    reminded++;
  }
  return reminded;
}
