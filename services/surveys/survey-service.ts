import type { Connection } from 'mongoose';
import { choiceFromNumber } from '../channels/render';
import type { Button, OutboundMessage } from '../channels/types';
import type { Clock } from '../clock';
import { trusted } from '../database/connect';
import { insertEach } from '../database/model';
import { AppError, DomainError } from '../errors';
import { localize, type Language } from '../i18n/text';
import type { Logger } from '../logging/logger';
import { isDuplicateKey, type Outbox } from '../outbox/outbox';
import type { Identity } from '../owners/owner-model';
import type { OwnerService } from '../owners/owner-service';
import { isQuiet, type QuietHours } from './local-time';
import {
  isSkip,
  type OutreachAnswerer,
  type OutreachAnswerInput,
  type OutreachReply,
} from './outreach-answer';
import { createSurveyDefinitions, type SurveyDefinitions } from './survey-definitions';
import {
  surveyModels,
  type SurveyAnswerRecord,
  type SurveyCampaignRecord,
  type SurveyDefinitionRecord,
  type SurveyResponseRecord,
} from './survey-model';
import { SCALE_LABELS, surveyTexts } from '../i18n/surveys';

export interface SurveySettings {
  /** Reminders go to owners who have not finished this long after the campaign started. */
  remindAfterMs: number;
  /** Unfinished responses expire this long after the start; answers given are kept. */
  expireAfterMs: number;
  /** No survey message (first question or reminder) is queued in these local hours. */
  quietHours: QuietHours | null;
  timeZone: string;
  /** Free text this long after the comment question was asked still counts as the comment. */
  commentWindowMs: number;
}

export const DEFAULT_SURVEY_SETTINGS: SurveySettings = {
  remindAfterMs: 3 * 86_400_000,
  expireAfterMs: 14 * 86_400_000,
  quietHours: { startMinute: 21 * 60, endMinute: 8 * 60 },
  timeZone: 'Asia/Shanghai',
  commentWindowMs: 2 * 86_400_000,
};

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

const OPEN: SurveyResponseRecord['status'][] = ['sent', 'partial'];
/** Owners queued per step: one bulk insert to the outbox and one of responses. */
const BATCH = 250;

/** `quarterly:2026Q4` (the contract in survey-model.ts). */
export const campaignIdOf = (quarter: string) => `quarterly:${quarter}`;
/** The outbox key of an owner's first survey message: at most one per owner per campaign. */
export const surveyMessageKey = (quarter: string, ownerId: string) => `survey:${quarter}:${ownerId}`;

/**
 * The quarterly survey: one campaign per quarter (a unique insert), one first message per
 * owner per campaign (the outbox key `survey:<quarter>:<ownerId>`) and one response (a
 * unique insert right after it), questions one at a time, every answer stored at once
 * (`<responseId>:<questionId>`, answering again replaces it), reminders and expiry.
 * Sending is a resumable pass: run it again after a crash, on another instance, or twice
 * at once, and each owner is still asked once.
 */
export function createSurveyService(deps: {
  connection: Connection;
  owners: OwnerService;
  outbox: Outbox;
  clock: Clock;
  logger: Logger;
  settings?: Partial<SurveySettings>;
  definitions?: SurveyDefinitions;
}) {
  const settings: SurveySettings = { ...DEFAULT_SURVEY_SETTINGS, ...deps.settings };
  const { Campaigns, Responses, Answers } = surveyModels(deps.connection);
  const definitions =
    deps.definitions ?? createSurveyDefinitions({ connection: deps.connection, clock: deps.clock });
  const log = deps.logger.child({ component: 'surveys' });
  const definitionCache = new Map<string, SurveyDefinitionRecord>();
  let indexes: Promise<unknown> | undefined;
  const indexesReady = () =>
    (indexes ??= Promise.all([Campaigns.init(), Responses.init(), Answers.init()]).catch((error: unknown) => {
      indexes = undefined;
      throw error;
    }));

  async function definitionOf(campaign: SurveyCampaignRecord): Promise<SurveyDefinitionRecord> {
    const cached = definitionCache.get(campaign.definitionId);
    if (cached) return cached;
    const found = await definitions.get(campaign.definitionId);
    definitionCache.set(found._id, found); // definitions are never edited in place
    return found;
  }

  /** Question `index` as the owner sees it: progress, prompt, and 1-5 buttons (numbers where there are none). */
  function questionMessage(
    definition: SurveyDefinitionRecord,
    quarter: string,
    index: number,
    language: Language,
    lead = '',
  ): OutboundMessage {
    const question = definition.questions[index];
    if (!question) throw new AppError('survey_question_missing', `No question ${index} in ${definition._id}`);
    const progress = localize(surveyTexts.progress, language, {
      n: index + 1,
      total: definition.questions.length,
    });
    const text = [lead, `${progress}${localize(question.prompt, language)}`].filter(Boolean).join('\n\n');
    const action = (value: string) => `sv:${quarter}:${index}:${value}`;
    const buttons: Button[] =
      question.kind === 'scale'
        ? SCALE_LABELS[
            question.measure === 'expectation'
              ? 'expectation'
              : question.measure === 'overall'
                ? 'overall'
                : 'perceived'
          ].map((label, i) => ({ label: localize(label, language), action: action(String(i + 1)) }))
        : question.optional
          ? [{ label: localize(surveyTexts.skip, language), action: action('skip') }]
          : [];
    return { text, language, ...(buttons.length > 0 ? { buttons } : {}) };
  }

  function firstMessage(
    definition: SurveyDefinitionRecord,
    quarter: string,
    language: Language,
  ): OutboundMessage {
    const intro = localize(definition.intro, language, { count: definition.questions.length });
    return questionMessage(
      definition,
      quarter,
      0,
      language,
      `📋 ${localize(definition.title, language)}\n${intro}`,
    );
  }

  async function getCampaign(campaignId: string): Promise<SurveyCampaignRecord | undefined> {
    return (await Campaigns.findById(campaignId).lean<SurveyCampaignRecord>()) ?? undefined;
  }

  /** Creates the quarter's campaign once, whichever instance gets there first. */
  async function startCampaign(
    quarter: string,
  ): Promise<{ campaign: SurveyCampaignRecord; created: boolean }> {
    await indexesReady();
    const id = campaignIdOf(quarter);
    const existing = await getCampaign(id);
    if (existing) return { campaign: existing, created: false };
    const definition = await definitions.current();
    const now = deps.clock.now();
    const record: SurveyCampaignRecord = {
      _id: id,
      kind: 'quarterly',
      quarter,
      definitionId: definition._id,
      status: 'running',
      startedAt: now,
      remindAt: new Date(now.getTime() + settings.remindAfterMs),
      expiresAt: new Date(now.getTime() + settings.expireAfterMs),
      finishedAt: null,
    };
    try {
      await Campaigns.create(record);
      log.info({ campaign: id, definition: definition._id }, 'Survey campaign created');
      return { campaign: record, created: true };
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      return { campaign: (await getCampaign(id)) as SurveyCampaignRecord, created: false };
    }
  }

  /**
   * Asks every verified, reachable owner not yet asked in this campaign, a few hundred at a
   * time in bulk writes. Stops at quiet hours (the next pass goes on). Each owner's first
   * message is queued under `survey:<quarter>:<ownerId>` (one per owner, whoever queues
   * it), then the response is written; an owner without a response is queued again, which
   * the outbox turns into a no-op when the message is there already.
   */
  async function sendCampaign(
    campaignId: string,
    options: { dryRun?: boolean; onProgress?: (done: number, total: number) => void } = {},
  ): Promise<CampaignSendReport> {
    await indexesReady();
    const campaign = await getCampaign(campaignId);
    if (!campaign) throw new DomainError('campaign_not_found', `No survey campaign ${campaignId}`);
    const report: CampaignSendReport = { campaignId, recipients: 0, queued: 0, alreadyAsked: 0, stopped: '' };
    const now = deps.clock.now();
    if (campaign.status === 'done') return { ...report, stopped: 'done' };
    if (now >= campaign.expiresAt) return { ...report, stopped: 'expired' };
    const recipients = await deps.owners.listVerifiedReachable();
    report.recipients = recipients.length;
    const asked = new Map(
      (
        await Responses.find({ campaignId }, { ownerId: 1, queuedAt: 1, identityKey: 1 }).lean<
          Array<Pick<SurveyResponseRecord, '_id' | 'ownerId' | 'queuedAt' | 'identityKey'>>
        >()
      ).map((response) => [response.ownerId, response]),
    );
    const unasked = recipients.filter(({ owner }) => {
      const response = asked.get(owner.id);
      if (response?.queuedAt) report.alreadyAsked++;
      return !response?.queuedAt;
    });
    // Started from a random place: passes on several instances at once (each catches up on
    // start) then mostly ask different owners instead of racing over the same ones; the
    // message key still lets only one of them ask each owner.
    const offset = Math.floor(Math.random() * unasked.length);
    const toAsk = [...unasked.slice(offset), ...unasked.slice(0, offset)];
    if (options.dryRun) return { ...report, queued: toAsk.length, stopped: 'dry_run' };
    if (isQuiet(now, settings.quietHours, settings.timeZone)) return { ...report, stopped: 'quiet_hours' };
    const definition = await definitionOf(campaign);
    options.onProgress?.(0, toAsk.length);
    for (let start = 0; start < toAsk.length; start += BATCH) {
      if (start > 0 && isQuiet(deps.clock.now(), settings.quietHours, settings.timeZone)) {
        report.stopped = 'quiet_hours';
        break;
      }
      const batch = await Promise.all(
        toAsk.slice(start, start + BATCH).map(async ({ owner, identity }) => {
          // A response from a version that wrote it before the message: ask on the identity it names.
          const earlier = asked.get(owner.id);
          const named = earlier ? await deps.owners.identityByKey(earlier.identityKey) : undefined;
          return { owner, identity: named ?? identity };
        }),
      );
      // The messages first, under keys that let one of several passes at once queue each.
      const results = await deps.outbox.enqueueMany(
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
      const at = deps.clock.now();
      const fresh = batch.filter(({ owner }) => !asked.has(owner.id));
      await insertEach(
        Responses,
        fresh.map(
          ({ owner, identity }) =>
            ({
              _id: `${campaignId}:${owner.id}`,
              campaignId,
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
            }) satisfies SurveyResponseRecord,
        ),
      );
      const legacy = batch
        .filter(({ owner }) => asked.has(owner.id))
        .map(({ owner }) => `${campaignId}:${owner.id}`);
      if (legacy.length > 0)
        await Responses.updateMany({ _id: trusted({ $in: legacy }) }, { $set: { queuedAt: at } });
      // Only the pass that created a message counts it as queued.
      for (const { created } of results) {
        if (created) report.queued++;
        else report.alreadyAsked++;
      }
      options.onProgress?.(Math.min(start + BATCH, toAsk.length), toAsk.length);
    }
    log.info({ ...report }, 'Survey campaign pass');
    return report;
  }

  /** Reminds owners who have not finished (once each), and closes campaigns past expiry. */
  async function upkeep(): Promise<{ reminded: number; expired: number; closed: number }> {
    await indexesReady();
    const now = deps.clock.now();
    const result = { reminded: 0, expired: 0, closed: 0 };
    const running = await Campaigns.find({ status: 'running' }).lean<SurveyCampaignRecord[]>();
    for (const campaign of running) {
      if (now >= campaign.expiresAt) {
        const expired = await Responses.updateMany(
          { campaignId: campaign._id, status: trusted({ $in: OPEN }) },
          { $set: { status: 'expired' } },
        );
        await Campaigns.updateOne(
          { _id: campaign._id, status: 'running' },
          { $set: { status: 'done', finishedAt: now } },
        );
        result.expired += expired.modifiedCount;
        result.closed++;
        log.info({ campaign: campaign._id, expired: expired.modifiedCount }, 'Survey campaign closed');
        continue;
      }
      if (now < campaign.remindAt || isQuiet(now, settings.quietHours, settings.timeZone)) continue;
      const definition = await definitionOf(campaign);
      const due = await Responses.find({
        campaignId: campaign._id,
        status: trusted({ $in: OPEN }),
        reminderSentAt: null,
      }).lean<SurveyResponseRecord[]>();
      for (const response of due) {
        const identity = await deps.owners.identityByKey(response.identityKey);
        if (!identity || identity.unreachable) continue;
        const language = identity.language;
        await deps.outbox.enqueue({
          key: `survey-reminder:${campaign.quarter}:${response.ownerId}`,
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
        await Responses.updateOne({ _id: response._id }, { $set: { reminderSentAt: now, askedAt: now } });
        result.reminded++;
      }
    }
    return result;
  }

  /** The owner's open response (newest campaign first), if any. */
  async function openResponse(identity: Identity): Promise<SurveyResponseRecord | undefined> {
    if (!identity.ownerId || !identity.verified) return undefined;
    const [response] = await Responses.find({ ownerId: identity.ownerId, status: trusted({ $in: OPEN }) })
      .sort({ sentAt: -1 })
      .limit(1)
      .lean<SurveyResponseRecord[]>();
    return response;
  }

  const ACTION = /^sv:(\d{4}Q[1-4]):(\d{1,2}):([1-5]|skip)$/;

  async function answer(input: OutreachAnswerInput): Promise<OutreachReply | undefined> {
    const { identity } = input;
    if (!identity.ownerId || !identity.verified) return undefined;
    const pressed = ACTION.exec(input.action);
    let response: SurveyResponseRecord | undefined;
    if (pressed) {
      response =
        (await Responses.findById(
          `${campaignIdOf(pressed[1] as string)}:${identity.ownerId}`,
        ).lean<SurveyResponseRecord>()) ?? undefined;
      if (!response) return undefined;
    } else {
      response = await openResponse(identity);
      if (!response) return undefined;
    }
    const language = identity.language;
    const say = (text: OutboundMessage['text'], extra: Partial<OutboundMessage> = {}): OutboundMessage => ({
      text,
      language,
      ...extra,
    });
    if (response.status === 'expired')
      return { outcome: 'survey_closed', reply: say(localize(surveyTexts.closed, language)) };
    const campaign = await getCampaign(response.campaignId);
    if (!campaign) return undefined;
    const definition = await definitionOf(campaign);
    const total = definition.questions.length;

    let index: number;
    let value: string;
    if (pressed) {
      index = Number(pressed[2]);
      value = pressed[3] as string;
      if (index >= total) return undefined;
    } else {
      index = response.nextQuestion;
      const question = definition.questions[index];
      if (!question) return undefined;
      const text = input.text.trim();
      if (question.kind === 'scale') {
        const score = choiceFromNumber(text, ['1', '2', '3', '4', '5']);
        if (score) value = score;
        else if (/^\d+$/.test(text.normalize('NFKC')))
          return {
            outcome: 'survey_invalid_answer',
            reply: questionMessage(
              definition,
              campaign.quarter,
              index,
              language,
              localize(surveyTexts.notAScore, language),
            ),
          };
        else if (question.optional && isSkip(text)) value = 'skip';
        else return undefined; // not an answer: the message is handled as usual
      } else {
        const askedAt = (response.askedAt ?? response.sentAt).getTime();
        if (question.optional && isSkip(text)) value = 'skip';
        else if (text !== '' && input.at.getTime() - askedAt <= settings.commentWindowMs) value = text;
        else return undefined;
      }
    }
    const question = definition.questions[index];
    if (!question) return undefined;
    if (value === 'skip' && !question.optional)
      return {
        outcome: 'survey_invalid_answer',
        reply: questionMessage(
          definition,
          campaign.quarter,
          index,
          language,
          localize(surveyTexts.notOptional, language),
        ),
      };

    const at = input.at;
    if (value !== 'skip') {
      const record: SurveyAnswerRecord = {
        _id: `${response._id}:${question.id}`,
        responseId: response._id,
        campaignId: response.campaignId,
        quarter: response.quarter,
        ownerId: response.ownerId,
        building: response.building,
        questionId: question.id,
        dimension: question.dimension ?? '',
        measure: question.measure,
        score: question.kind === 'scale' ? Number(value) : null,
        text: question.kind === 'text' ? value.slice(0, 2000) : '',
        at,
      };
      await Answers.replaceOne({ _id: record._id }, record, { upsert: true });
    }
    const comment = question.kind === 'text' && value !== 'skip' ? value : undefined;

    if (index !== response.nextQuestion || response.status === 'complete') {
      // An earlier question answered again (an old button): noted; the current one stays.
      const note = localize(surveyTexts.updated, language, { n: index + 1 });
      if (response.status === 'complete' || response.nextQuestion >= total)
        return {
          outcome: 'survey_answer_updated',
          reply: say(`${note}\n${localize(surveyTexts.alreadyDone, language)}`),
          ...(comment ? { comment } : {}),
        };
      return {
        outcome: 'survey_answer_updated',
        reply: questionMessage(definition, campaign.quarter, response.nextQuestion, language, note),
        ...(comment ? { comment } : {}),
      };
    }
    const next = index + 1;
    const complete = next >= total;
    await Responses.updateOne(
      { _id: response._id },
      {
        $set: {
          nextQuestion: next,
          status: complete ? 'complete' : 'partial',
          lastAnsweredAt: at,
          askedAt: at,
          ...(complete ? { completedAt: at } : {}),
        },
      },
    );
    if (complete)
      return {
        outcome: 'survey_complete',
        reply: say(localize(surveyTexts.thanks, language)),
        ...(comment ? { comment } : {}),
      };
    return {
      outcome: 'survey_answer',
      reply: questionMessage(definition, campaign.quarter, next, language),
      ...(comment ? { comment } : {}),
    };
  }

  const answerer: OutreachAnswerer = {
    accepts: (action) => action.startsWith('sv:'),
    async pendingSince(identity) {
      const response = await openResponse(identity);
      return response ? (response.askedAt ?? response.sentAt) : undefined;
    },
    answer,
  };

  return {
    definitions,
    startCampaign,
    sendCampaign,
    upkeep,
    getCampaign,
    /** Campaigns still sending, reminding or waiting for answers. */
    async runningCampaigns(): Promise<SurveyCampaignRecord[]> {
      return Campaigns.find({ status: 'running' }).lean<SurveyCampaignRecord[]>();
    },
    /** Responses of a campaign by status, for `survey status`. */
    async responseCounts(campaignId: string): Promise<Record<SurveyResponseRecord['status'], number>> {
      const groups = await Responses.aggregate<{ _id: string; count: number }>([
        { $match: { campaignId } },
        { $group: { _id: '$status', count: { $sum: 1 } } },
      ]);
      const counts = { sent: 0, partial: 0, complete: 0, expired: 0 };
      for (const group of groups)
        if (group._id in counts) counts[group._id as keyof typeof counts] = group.count;
      return counts;
    },
    /** The dialog's view: the open survey question is a pending question. */
    answerer,
    questionMessage,
  };
}

export type SurveyService = ReturnType<typeof createSurveyService>;
