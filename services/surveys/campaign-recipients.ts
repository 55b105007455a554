import type { Identity, Owner } from '../owners/owner-model';
import { responseIdOf } from './survey-keys';
import type { SurveyCampaignRecord, SurveyResponseRecord } from './survey-model';

/** A verified owner and the reachable identity a survey would go to. */
export interface Recipient {
  owner: Owner;
  identity: Identity;
}

/** What a send pass reads of the responses already written. */
export type AskedResponse = Pick<SurveyResponseRecord, '_id' | 'ownerId' | 'queuedAt' | 'identityKey'>;

/**
 * The recipients still to ask (no response, or one whose message was never queued) and
 * how many were asked before. The list starts at `rotation` (0 to 1) of the way in: passes
 * on several instances at once (each catches up on start) then mostly ask different owners
 * instead of racing over the same ones; the message key still lets only one ask each owner.
 */
export function planSend(
  recipients: readonly Recipient[],
  asked: ReadonlyMap<string, AskedResponse>,
  rotation: number,
): { toAsk: Recipient[]; alreadyAsked: number } {
  const unasked = recipients.filter(({ owner }) => !asked.get(owner.id)?.queuedAt);
  const offset = Math.floor(rotation * unasked.length);
  return {
    toAsk: [...unasked.slice(offset), ...unasked.slice(0, offset)],
    alreadyAsked: recipients.length - unasked.length,
  };
}

/** The response that marks an owner as asked in a campaign, on the identity asked. */
export function newResponse(
  campaign: SurveyCampaignRecord,
  { owner, identity }: Recipient,
  at: Date,
): SurveyResponseRecord {
  return {
    _id: responseIdOf(campaign._id, owner.id),
    campaignId: campaign._id,
    quarter: campaign.quarter,
    ownerId: owner.id,
    building: owner.building,
    channel: identity.channel,
    language: identity.language,
    status: 'sent',
    nextQuestion: 0,
    sentAt: at,
    lastAnsweredAt: null,
    completedAt: null,
    reminderSentAt: null,
    identityKey: identity.key,
    queuedAt: at,
    askedAt: at,
  };
}
