import { Schema, type Connection } from 'mongoose';
import type { ChannelName } from '../channels/types';
import { modelOn } from '../database/model';
import type { Language, LocalizedText } from '../i18n/text';

/**
 * The service dimensions owners rate every quarter (the trade's evaluation form). Reports
 * group by these keys; the survey definition names one per scored question.
 */
export const SURVEY_DIMENSIONS = [
  'security',
  'cleaning',
  'repairs',
  'customer_service',
  'greening',
  'value_for_fees',
] as const;
export type SurveyDimension = (typeof SURVEY_DIMENSIONS)[number];

/**
 * What a question measures. Satisfaction = perceived performance / expectation, so each
 * dimension has a `perceived` and an `expectation` question (1-5); `overall` is the
 * owner's overall score (1-5); `comment` is free text that goes through the classifier.
 */
export const SURVEY_MEASURES = ['perceived', 'expectation', 'overall', 'comment'] as const;
export type SurveyMeasure = (typeof SURVEY_MEASURES)[number];

export interface SurveyQuestion {
  /** Stable within a definition: `security.perceived`, `overall`, `comment`. */
  id: string;
  kind: 'scale' | 'text';
  measure: SurveyMeasure;
  /** '' for `overall` and `comment`. */
  dimension: SurveyDimension | '';
  prompt: LocalizedText;
  /** Optional questions may be skipped ("skip" / "跳过"). */
  optional: boolean;
}

/**
 * A versioned survey definition (`npx ownerbot survey import FILE`). `_id` is
 * `<surveyId>@<version>`; a campaign records the one it used, so editing a survey never
 * changes the meaning of answers already stored.
 */
export interface SurveyDefinitionRecord {
  _id: string;
  surveyId: string;
  version: number;
  title: LocalizedText;
  intro: LocalizedText;
  questions: SurveyQuestion[];
  createdAt: Date;
}

/** One per survey round: `_id` = `quarterly:2026Q4`, created once by a unique insert. */
export interface SurveyCampaignRecord {
  _id: string;
  kind: 'quarterly';
  quarter: string;
  definitionId: string;
  status: 'running' | 'done';
  startedAt: Date;
  /** Reminders go to owners who have not finished after this time. */
  remindAt: Date;
  /** Unfinished responses expire at this time; answers given so far are kept. */
  expiresAt: Date;
  finishedAt: Date | null;
}

export const RESPONSE_STATUSES = ['sent', 'partial', 'complete', 'expired'] as const;
export type ResponseStatus = (typeof RESPONSE_STATUSES)[number];

/**
 * One per owner per campaign: `_id` = `<campaignId>:<ownerId>`, inserted before the
 * owner's survey message is queued, so each owner is asked at most once per campaign.
 * Derived keys (`quarter`, `building`) are stored for reports (no date operators or
 * `$lookup` on the embedded engine).
 */
export interface SurveyResponseRecord {
  _id: string;
  campaignId: string;
  quarter: string;
  ownerId: string;
  building: string;
  channel: ChannelName;
  language: Language;
  status: ResponseStatus;
  /** Index into the definition's questions of the one the owner is being asked now. */
  nextQuestion: number;
  sentAt: Date;
  lastAnsweredAt: Date | null;
  completedAt: Date | null;
  reminderSentAt: Date | null;
  /** Added: the channel identity (`<channel>:<platform user id>`) the survey went to, for reminders. */
  identityKey: string;
  /**
   * Added: when the first message went into the outbox (responses are written after it).
   * Null only in responses written by versions that wrote them first: queued again.
   */
  queuedAt: Date | null;
  /** Added: when the question the owner is on now was asked (the newest pending question wins a reply). */
  askedAt: Date | null;
}

/**
 * One per answered question: `_id` = `<responseId>:<questionId>` (answering again
 * replaces the value). Reports aggregate these with `$group` (`$sum`/`$count` only) by
 * quarter, building, dimension and measure; exports write one row per document.
 */
export interface SurveyAnswerRecord {
  _id: string;
  responseId: string;
  campaignId: string;
  quarter: string;
  ownerId: string;
  building: string;
  questionId: string;
  dimension: SurveyDimension | '';
  measure: SurveyMeasure;
  /** 1-5 for scale questions; null for text. */
  score: number | null;
  /** The comment, for text questions; '' otherwise. */
  text: string;
  at: Date;
}

const localizedText = { zh: { type: String, required: true }, en: { type: String, required: true } };

const definitionSchema = new Schema<SurveyDefinitionRecord>(
  {
    _id: { type: String, required: true },
    surveyId: { type: String, required: true },
    version: { type: Number, required: true },
    title: localizedText,
    intro: localizedText,
    questions: [
      new Schema<SurveyQuestion>(
        {
          id: { type: String, required: true },
          kind: { type: String, required: true, enum: ['scale', 'text'] },
          measure: { type: String, required: true, enum: SURVEY_MEASURES },
          dimension: { type: String, default: '', enum: ['', ...SURVEY_DIMENSIONS] },
          prompt: localizedText,
          optional: { type: Boolean, default: false },
        },
        { _id: false },
      ),
    ],
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);
definitionSchema.index({ surveyId: 1, version: 1 }, { unique: true });

const campaignSchema = new Schema<SurveyCampaignRecord>(
  {
    _id: { type: String, required: true },
    kind: { type: String, required: true, enum: ['quarterly'] },
    quarter: { type: String, required: true },
    definitionId: { type: String, required: true },
    status: { type: String, required: true, enum: ['running', 'done'] },
    startedAt: { type: Date, required: true },
    remindAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    finishedAt: { type: Date, default: null },
  },
  { versionKey: false },
);

const responseSchema = new Schema<SurveyResponseRecord>(
  {
    _id: { type: String, required: true },
    campaignId: { type: String, required: true },
    quarter: { type: String, required: true },
    ownerId: { type: String, required: true },
    building: { type: String, default: '' },
    channel: { type: String, required: true },
    language: { type: String, required: true, enum: ['zh', 'en'] },
    status: { type: String, required: true, enum: RESPONSE_STATUSES },
    nextQuestion: { type: Number, default: 0 },
    sentAt: { type: Date, required: true },
    lastAnsweredAt: { type: Date, default: null },
    completedAt: { type: Date, default: null },
    reminderSentAt: { type: Date, default: null },
    identityKey: { type: String, default: '' },
    queuedAt: { type: Date, default: null },
    askedAt: { type: Date, default: null },
  },
  { versionKey: false },
);
responseSchema.index({ campaignId: 1, status: 1 });
responseSchema.index({ ownerId: 1, status: 1 });
responseSchema.index({ quarter: 1, building: 1 });

const answerSchema = new Schema<SurveyAnswerRecord>(
  {
    _id: { type: String, required: true },
    responseId: { type: String, required: true, index: true },
    campaignId: { type: String, required: true },
    quarter: { type: String, required: true },
    ownerId: { type: String, required: true },
    building: { type: String, default: '' },
    questionId: { type: String, required: true },
    dimension: { type: String, default: '', enum: ['', ...SURVEY_DIMENSIONS] },
    measure: { type: String, required: true, enum: SURVEY_MEASURES },
    score: { type: Number, default: null },
    text: { type: String, default: '' },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);
answerSchema.index({ quarter: 1, dimension: 1, measure: 1 });
answerSchema.index({ quarter: 1, building: 1 });
answerSchema.index({ ownerId: 1, quarter: 1 });

/** The survey models on this connection (registered once per connection). */
export function surveyModels(connection: Connection) {
  return {
    Definitions: modelOn<SurveyDefinitionRecord>(
      connection,
      'SurveyDefinition',
      definitionSchema,
      'survey_definitions',
    ),
    Campaigns: modelOn<SurveyCampaignRecord>(
      connection,
      'SurveyCampaign',
      campaignSchema,
      'survey_campaigns',
    ),
    Responses: modelOn<SurveyResponseRecord>(
      connection,
      'SurveyResponse',
      responseSchema,
      'survey_responses',
    ),
    Answers: modelOn<SurveyAnswerRecord>(connection, 'SurveyAnswer', answerSchema, 'survey_answers'),
  };
}

export type SurveyModels = ReturnType<typeof surveyModels>;
