import { trusted } from '../database/connect';
import { insertEach } from '../database/model';
import { DomainError } from '../errors';
import { newResponse, planSend, type AskedResponse, type Recipient } from './campaign-recipients';
import { firstMessage } from './question-message';
import type { SurveyContext } from './survey-context';
import { responseIdOf, surveyMessageKey } from './survey-keys';
import type { SurveyCampaignRecord, SurveyDefinitionRecord } from './survey-model';
import { getCampaign } from './survey-queries';

/** What one pass over a campaign did (the CLI prints it, the job logs it). */
export interface CampaignSendReport {
  campaignId: string;
  /** Verified owners with a reachable channel right now. */
  recipients: number;
  /** Owners asked by this pass (first message queued). */
  queued: number;
  /** Owners asked before (by an earlier pass or another instance). */
  alreadyAsked: number;
  /** Why the pass stopped early or did nothing: quiet hours, campaign over, dry run. */
  stopped: '' | 'quiet_hours' | 'done' | 'expired' | 'dry_run';
}

/** Options of one send pass: count only (`dryRun`), or report progress as batches go. */
export interface CampaignSendOptions {
  dryRun?: boolean;
  onProgress?: (done: number, total: number) => void;
}

/** Owners queued per step: one bulk insert to the outbox and one of responses. */
const BATCH = 250;

/**
 * Asks every verified, reachable owner not yet asked in this campaign, a few hundred at a
 * time in bulk writes. Stops at quiet hours (the next pass goes on). Each owner's first
 * message is queued under `survey:<quarter>:<ownerId>` (one per owner, whoever queues
 * it), then the response is written; an owner without a response is queued again, which
 * the outbox turns into a no-op when the message is there already.
 */
export async function sendCampaign(
  ctx: SurveyContext,
  campaignId: string,
  options: CampaignSendOptions = {},
): Promise<CampaignSendReport> {
  await ctx.ready();
  const campaign = await getCampaign(ctx, campaignId);
  if (!campaign) throw new DomainError('campaign_not_found', `No survey campaign ${campaignId}`);
  const report: CampaignSendReport = { campaignId, recipients: 0, queued: 0, alreadyAsked: 0, stopped: '' };
  const now = ctx.clock.now();
  if (campaign.status === 'done') return { ...report, stopped: 'done' };
  if (now >= campaign.expiresAt) return { ...report, stopped: 'expired' };
  const recipients = await ctx.owners.listVerifiedReachable();
  report.recipients = recipients.length;
  const asked = await askedOwners(ctx, campaignId);
  const { toAsk, alreadyAsked } = planSend(recipients, asked, Math.random());
  report.alreadyAsked = alreadyAsked;
  if (options.dryRun) return { ...report, queued: toAsk.length, stopped: 'dry_run' };
  if (ctx.isQuiet(now)) return { ...report, stopped: 'quiet_hours' };
  const definition = await ctx.definitionOf(campaign);
  options.onProgress?.(0, toAsk.length);
  for (let start = 0; start < toAsk.length; start += BATCH) {
    if (start > 0 && ctx.isQuiet(ctx.clock.now())) {
      report.stopped = 'quiet_hours';
      break;
    }
    const batch = toAsk.slice(start, start + BATCH);
    const counted = await askBatch(ctx, campaign, definition, batch, asked);
    report.queued += counted.queued;
    report.alreadyAsked += counted.alreadyAsked;
    options.onProgress?.(Math.min(start + BATCH, toAsk.length), toAsk.length);
  }
  ctx.log.info({ ...report }, 'Survey campaign pass');
  return report;
}

/** The campaign's responses by owner id. */
async function askedOwners(ctx: SurveyContext, campaignId: string): Promise<Map<string, AskedResponse>> {
  const responses = await ctx.models.Responses.find(
    { campaignId },
    { ownerId: 1, queuedAt: 1, identityKey: 1 },
  ).lean<AskedResponse[]>();
  return new Map(responses.map((response) => [response.ownerId, response]));
}

/**
 * Queues one batch's first messages, then writes their responses. Only the pass that
 * created a message counts it as queued; the others count it as asked before.
 */
async function askBatch(
  ctx: SurveyContext,
  campaign: SurveyCampaignRecord,
  definition: SurveyDefinitionRecord,
  recipients: readonly Recipient[],
  asked: ReadonlyMap<string, AskedResponse>,
): Promise<{ queued: number; alreadyAsked: number }> {
  const batch = await Promise.all(
    recipients.map(async ({ owner, identity }) => {
      // A response from a version that wrote it before the message: ask on the identity it names.
      const earlier = asked.get(owner.id);
      const named = earlier ? await ctx.owners.identityByKey(earlier.identityKey) : undefined;
      return { owner, identity: named ?? identity };
    }),
  );
  // The messages first, under keys that let one of several passes at once queue each.
  const results = await ctx.outbox.enqueueMany(
    batch.map(({ owner, identity }) => ({
      key: surveyMessageKey(campaign.quarter, owner.id),
      address: identity.address,
      purpose: 'survey' as const,
      ownerId: owner.id,
      message: firstMessage(definition, campaign.quarter, identity.language),
    })),
  );
  // Then the responses: one means "asked" to later passes. A pass that stopped in
  // between left messages without one; the next pass finds their keys taken and writes
  // the responses. A rival pass may be writing the same ones: the first insert stays.
  const at = ctx.clock.now();
  const { Responses } = ctx.models;
  const fresh = batch.filter(({ owner }) => !asked.has(owner.id));
  await insertEach(
    Responses,
    fresh.map((recipient) => newResponse(campaign, recipient, at)),
  );
  const legacy = batch
    .filter(({ owner }) => asked.has(owner.id))
    .map(({ owner }) => responseIdOf(campaign._id, owner.id));
  if (legacy.length > 0)
    await Responses.updateMany({ _id: trusted({ $in: legacy }) }, { $set: { queuedAt: at } });
  const queued = results.filter(({ created }) => created).length;
  return { queued, alreadyAsked: results.length - queued };
}
