import { isDuplicateKey } from '../outbox/outbox';
import type { SurveyContext } from './survey-context';
import { campaignIdOf } from './survey-keys';
import type { SurveyCampaignRecord } from './survey-model';
import { getCampaign } from './survey-queries';

/**
 * Creates the quarter's campaign once, whichever instance gets there first (a unique
 * insert); every other caller gets the stored one with `created: false`.
 */
export async function startCampaign(
  ctx: SurveyContext,
  quarter: string,
): Promise<{ campaign: SurveyCampaignRecord; created: boolean }> {
  await ctx.ready();
  const id = campaignIdOf(quarter);
  const existing = await getCampaign(ctx, id);
  if (existing) return { campaign: existing, created: false };
  const definition = await ctx.definitions.current();
  const now = ctx.clock.now();
  const record: SurveyCampaignRecord = {
    _id: id,
    kind: 'quarterly',
    quarter,
    definitionId: definition._id,
    status: 'running',
    startedAt: now,
    remindAt: new Date(now.getTime() + ctx.settings.remindAfterMs),
    expiresAt: new Date(now.getTime() + ctx.settings.expireAfterMs),
    finishedAt: null,
  };
  try {
    await ctx.models.Campaigns.create(record);
    ctx.log.info({ campaign: id, definition: definition._id }, 'Survey campaign created');
    return { campaign: record, created: true };
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    return { campaign: (await getCampaign(ctx, id)) as SurveyCampaignRecord, created: false };
  }
}
