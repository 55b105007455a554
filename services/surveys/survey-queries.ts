import { trusted } from '../database/connect';
import type { Identity } from '../owners/owner-model';
import type { SurveyContext } from './survey-context';
import type { ResponseStatus, SurveyCampaignRecord, SurveyResponseRecord } from './survey-model';

/** Statuses of a response still waiting for answers. */
export const OPEN_STATUSES: ResponseStatus[] = ['sent', 'partial'];

/** A campaign by id; undefined when there is none. */
export async function getCampaign(
  ctx: SurveyContext,
  campaignId: string,
): Promise<SurveyCampaignRecord | undefined> {
  return (await ctx.models.Campaigns.findById(campaignId).lean<SurveyCampaignRecord>()) ?? undefined;
}

/** Campaigns still sending, reminding or waiting for answers. */
export async function runningCampaigns(ctx: SurveyContext): Promise<SurveyCampaignRecord[]> {
  return ctx.models.Campaigns.find({ status: 'running' }).lean<SurveyCampaignRecord[]>();
}

/** A response by id; undefined when there is none. */
export async function getResponse(
  ctx: SurveyContext,
  responseId: string,
): Promise<SurveyResponseRecord | undefined> {
  return (await ctx.models.Responses.findById(responseId).lean<SurveyResponseRecord>()) ?? undefined;
}

/** The owner's open response (newest campaign first); undefined for unverified identities. */
export async function openResponse(
  ctx: SurveyContext,
  identity: Identity,
): Promise<SurveyResponseRecord | undefined> {
  if (!identity.ownerId || !identity.verified) return undefined;
  const [response] = await ctx.models.Responses.find({
    ownerId: identity.ownerId,
    status: trusted({ $in: OPEN_STATUSES }),
  })
    .sort({ sentAt: -1 })
    .limit(1)
    .lean<SurveyResponseRecord[]>();
  return response;
}

/** Responses of a campaign by status, every status present (zero when none). */
export async function responseCounts(
  ctx: SurveyContext,
  campaignId: string,
): Promise<Record<ResponseStatus, number>> {
  const groups = await ctx.models.Responses.aggregate<{ _id: string; count: number }>([
    { $match: { campaignId } },
    { $group: { _id: '$status', count: { $sum: 1 } } },
  ]);
  const counts = { sent: 0, partial: 0, complete: 0, expired: 0 };
  for (const group of groups) if (group._id in counts) counts[group._id as keyof typeof counts] = group.count;
  return counts;
}
