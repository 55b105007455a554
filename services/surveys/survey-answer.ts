import type { OutboundMessage } from '../channels/types';
import { localize, type Language } from '../i18n/text';
import { surveyTexts } from '../i18n/surveys';
import { answerRecord, progressAfter, readAnswer, type AnswerProgress } from './answer-rules';
import type { OutreachAnswerer, OutreachAnswerInput, OutreachReply } from './outreach-answer';
import { parseSurveyAction, questionMessage, SURVEY_ACTION_PREFIX } from './question-message';
import type { SurveyContext } from './survey-context';
import { campaignIdOf, responseIdOf } from './survey-keys';
import type { SurveyResponseRecord } from './survey-model';
import { getCampaign, getResponse, openResponse } from './survey-queries';

/**
 * The dialog's view of the survey: a survey button always goes to the response it names
 * (only the owner it was sent to can answer it), typed text to the owner's open response,
 * and only when it reads as an answer.
 */
export function createSurveyAnswerer(ctx: SurveyContext): OutreachAnswerer {
  return {
    accepts: (action) => action.startsWith(SURVEY_ACTION_PREFIX),
    async pendingSince(identity) {
      const response = await openResponse(ctx, identity);
      return response ? (response.askedAt ?? response.sentAt) : undefined;
    },
    answer: (input) => answerSurvey(ctx, input),
  };
}

/**
 * Stores an owner's answer at once (answering again replaces it) and replies with the next
 * question, thanks at the end, or the question again with a hint when the answer is refused.
 * Undefined when the message is no survey answer: the dialog handles it as usual.
 */
export async function answerSurvey(
  ctx: SurveyContext,
  input: OutreachAnswerInput,
): Promise<OutreachReply | undefined> {
  const { identity } = input;
  if (!identity.ownerId || !identity.verified) return undefined;
  const press = parseSurveyAction(input.action);
  const response = press
    ? await getResponse(ctx, responseIdOf(campaignIdOf(press.quarter), identity.ownerId))
    : await openResponse(ctx, identity);
  if (!response) return undefined;
  const language = identity.language;
  if (response.status === 'expired')
    return { outcome: 'survey_closed', reply: { text: localize(surveyTexts.closed, language), language } };
  const campaign = await getCampaign(ctx, response.campaignId);
  if (!campaign) return undefined;
  const definition = await ctx.definitionOf(campaign);
  const given = press ?? { text: input.text, at: input.at };
  const reading = readAnswer(definition, response, given, ctx.settings.commentWindowMs);
  const ask = (index: number, lead?: string) =>
    questionMessage(definition, campaign.quarter, index, language, lead);
  if (reading.kind === 'none') return undefined;
  if (reading.kind === 'refused')
    return {
      outcome: 'survey_invalid_answer',
      reply: ask(reading.index, localize(surveyTexts[reading.hint], language)),
    };
  const { index, question, value } = reading;
  if (value !== 'skip') {
    const record = answerRecord(response, question, value, input.at);
    await ctx.models.Answers.replaceOne({ _id: record._id }, record, { upsert: true });
  }
  const progress = progressAfter(response, index, definition.questions.length);
  if (progress.kind === 'advanced') await advance(ctx, response, progress, input.at);
  const comment = question.kind === 'text' && value !== 'skip' ? value : undefined;
  return { ...replyAfter(progress, index, ask, language), ...(comment ? { comment } : {}) };
}

/** Moves the response on to its next question, completing it after the last. */
async function advance(
  ctx: SurveyContext,
  response: SurveyResponseRecord,
  { next, complete }: { next: number; complete: boolean },
  at: Date,
): Promise<void> {
  await ctx.models.Responses.updateOne(
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
}

/** The outcome and reply once question `index` is answered. */
function replyAfter(
  progress: AnswerProgress,
  index: number,
  ask: (index: number, lead?: string) => OutboundMessage,
  language: Language,
): Required<Pick<OutreachReply, 'outcome' | 'reply'>> {
  if (progress.kind === 'updated') {
    const note = localize(surveyTexts.updated, language, { n: index + 1 });
    if (progress.current === undefined)
      return {
        outcome: 'survey_answer_updated',
        reply: { text: `${note}\n${localize(surveyTexts.alreadyDone, language)}`, language },
      };
    return { outcome: 'survey_answer_updated', reply: ask(progress.current, note) };
  }
  if (progress.complete)
    return { outcome: 'survey_complete', reply: { text: localize(surveyTexts.thanks, language), language } };
  return { outcome: 'survey_answer', reply: ask(progress.next) };
}
