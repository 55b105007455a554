import {
  SURVEY_DIMENSIONS,
  surveyModels,
  type SurveyAnswerRecord,
  type SurveyDefinitionRecord,
  type SurveyResponseRecord,
} from '../surveys/survey-model';
import { periodKeys } from '../tickets/ticket-model';
import { DAY, DEMO_DEFINITION_ID, type DemoContext, type DemoOwner } from './demo-context';

type Question = SurveyDefinitionRecord['questions'][number];

/** One quarterly campaign of the demo year; `index` counts the quarters from the first. */
interface DemoCampaign {
  quarter: string;
  startedAt: Date;
  index: number;
}

/**
 * Writes the demo survey definition, a finished campaign per quarter of the year, and the
 * owners' responses: about half answer, some only partly, and unhappy owners score lower.
 */
export async function writeDemoSurveys(
  ctx: DemoContext,
  people: DemoOwner[],
  surveys: ReturnType<typeof surveyModels>,
): Promise<void> {
  const definition = demoDefinition(new Date(ctx.yearAgo));
  await surveys.Definitions.replaceOne({ _id: definition._id }, definition, { upsert: true });
  const responses = ctx.batch<SurveyResponseRecord>(surveys.Responses.collection, 'responses');
  const answers = ctx.batch<SurveyAnswerRecord>(surveys.Answers.collection, 'answers');
  for (const campaign of quarterCampaigns(ctx.yearAgo, ctx.now.getTime(), ctx.timeZone)) {
    const campaignId = `quarterly:${campaign.quarter}`;
    // A real campaign of that quarter (seeding with --force next to real owners) is left alone.
    await surveys.Campaigns.updateOne(
      { _id: campaignId },
      {
        $setOnInsert: {
          _id: campaignId,
          kind: 'quarterly',
          quarter: campaign.quarter,
          definitionId: DEMO_DEFINITION_ID,
          status: 'done',
          startedAt: campaign.startedAt,
          remindAt: new Date(campaign.startedAt.getTime() + 3 * DAY),
          expiresAt: new Date(campaign.startedAt.getTime() + 14 * DAY),
          finishedAt: new Date(campaign.startedAt.getTime() + 14 * DAY),
        },
      },
      { upsert: true },
    );
    for (const owner of people) {
      if (owner.createdAt > campaign.startedAt) continue;
      const written = demoResponse(ctx, campaign, owner, definition.questions);
      for (const answer of written.answers) answers.push(answer);
      responses.push(written.response);
      await responses.flushIfFull();
      await answers.flushIfFull();
    }
  }
  await responses.flush();
  await answers.flush();
}

function demoDefinition(createdAt: Date): SurveyDefinitionRecord {
  return {
    _id: DEMO_DEFINITION_ID,
    surveyId: 'demo-quarterly',
    version: 1,
    title: { zh: '季度满意度调查（演示）', en: 'Quarterly satisfaction survey (demo)' },
    intro: { zh: '演示数据', en: 'Demo data' },
    questions: [
      ...SURVEY_DIMENSIONS.flatMap((dimension) =>
        (['perceived', 'expectation'] as const).map((measure) => ({
          id: `${dimension}.${measure}`,
          kind: 'scale' as const,
          measure,
          dimension,
          prompt: { zh: `${dimension} ${measure}`, en: `${dimension} ${measure}` },
          optional: false,
        })),
      ),
      {
        id: 'overall',
        kind: 'scale',
        measure: 'overall',
        dimension: '',
        prompt: { zh: '总体', en: 'Overall' },
        optional: false,
      },
    ],
    createdAt,
  };
}

/** One campaign per quarter that began within the year (on the 10th day of its first month). */
export function quarterCampaigns(yearAgo: number, now: number, timeZone: string): DemoCampaign[] {
  const campaigns: DemoCampaign[] = [];
  for (let t = yearAgo, index = 0; t <= now; t += 20 * DAY) {
    const { quarter } = periodKeys(new Date(t), timeZone);
    if (campaigns.some((c) => c.quarter === quarter)) continue;
    const year = Number(quarter.slice(0, 4));
    const firstMonth = (Number(quarter.slice(5)) - 1) * 3;
    const startedAt = new Date(Date.UTC(year, firstMonth, 10, 2));
    if (startedAt.getTime() < yearAgo || startedAt.getTime() > now) continue;
    campaigns.push({ quarter, startedAt, index: index++ });
  }
  return campaigns;
}

/** One owner's response to a campaign, with their answers when they answered. */
function demoResponse(
  ctx: DemoContext,
  campaign: DemoCampaign,
  owner: DemoOwner,
  allQuestions: Question[],
): { response: SurveyResponseRecord; answers: SurveyAnswerRecord[] } {
  const { rand } = ctx;
  const campaignId = `quarterly:${campaign.quarter}`;
  const responseId = `${campaignId}:${owner.id}`;
  const answering = rand() < 0.55;
  const partial = answering && rand() < 0.15;
  const answeredAt = new Date(campaign.startedAt.getTime() + rand() * 5 * DAY);
  const questions = allQuestions.slice(0, partial ? 5 : allQuestions.length);
  const answers: SurveyAnswerRecord[] = (answering ? questions : []).map((question) => ({
    _id: `${responseId}:${question.id}`,
    responseId,
    campaignId,
    quarter: campaign.quarter,
    ownerId: owner.id,
    building: owner.building,
    questionId: question.id,
    dimension: question.dimension,
    measure: question.measure,
    score: demoScore(question, owner.mood, campaign.index, rand),
    text: '',
    at: answeredAt,
  }));
  const response: SurveyResponseRecord = {
    _id: responseId,
    campaignId,
    quarter: campaign.quarter,
    ownerId: owner.id,
    building: owner.building,
    channel: 'web',
    language: owner.language,
    status: answering ? (partial ? 'expired' : 'complete') : 'expired',
    nextQuestion: answering ? questions.length : 0,
    sentAt: campaign.startedAt,
    lastAnsweredAt: answering ? answeredAt : null,
    completedAt: answering && !partial ? answeredAt : null,
    reminderSentAt: null,
    // Demo owners are not linked to any channel identity, so no reminder can reach them.
    identityKey: '',
    queuedAt: campaign.startedAt,
    askedAt: campaign.startedAt,
  };
  return { response, answers };
}

/**
 * A score of 1-5 around the owner's mood: expectations sit high, unhappy owners drift down
 * over the year, and the overall question wobbles less than the dimensions.
 */
export function demoScore(
  question: Question,
  mood: number,
  quarterIndex: number,
  rand: () => number,
): number {
  const overall = question.measure === 'overall';
  const drift = mood < 0 ? -0.6 * quarterIndex : 0;
  const base =
    question.measure === 'expectation'
      ? 4.3
      : (overall
          ? ([3.2, 3.9, 4.8][mood + 1] ?? 3.9)
          : 3.7 + 0.8 * mood + dimensionShift(question.dimension, quarterIndex)) + drift;
  // A one-point drop in the overall score then means something.
  const noise = (rand() - 0.5) * (overall ? 0.4 : 1.6);
  return Math.max(1, Math.min(5, Math.round(base + noise)));
}

/** Some dimensions do better than others; repairs improve over the year, value for fees slips. */
function dimensionShift(dimension: string, quarterIndex: number): number {
  const shifts: Record<string, number> = {
    security: 0.2,
    cleaning: 0.1,
    repairs: -0.6 + 0.2 * quarterIndex,
    customer_service: 0,
    greening: 0.35,
    value_for_fees: -0.2 - 0.1 * quarterIndex,
  };
  return shifts[dimension] ?? 0;
}
