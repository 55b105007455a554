import type { Connection } from 'mongoose';
import type { Address } from '../channels/types';
import { trusted } from '../database/connect';
import { escapeMrkdwn } from '../channels/mrkdwn';
import { digestTexts as texts } from '../i18n/digest';
import { localize, type Language } from '../i18n/text';
import type { Logger } from '../logging/logger';
import type { Outbox } from '../outbox/outbox';
import type { ReturnVisitService } from '../return-visits/return-visit-service';
import { previousDay, zonedTime } from '../surveys/local-time';
import { surveyModels } from '../surveys/survey-model';
import { ticketModels, type TicketRecord } from '../tickets/ticket-model';

/** What the staff desk reads each morning about one local day. */
export interface Digest {
  day: string;
  suggestions: Array<{ reference: string; title: string }>;
  questions: Array<{ reference: string; title: string }>;
  /** Open cases by age at the end of the day: under 1 day, 1-3, 3-7, over 7 days. */
  openByAge: { under1d: number; d1to3: number; d3to7: number; over7d: number };
  /** Open cases escalated past an SLA deadline (level 1 desk and above). */
  slaBreaches: Array<{ reference: string; level: number }>;
  survey: { completed: number; answers: number; overallMean: number | null };
  returnVisits: {
    answered: number;
    solved: number;
    notSolved: number;
    ratingMean: number | null;
    phone: number;
  };
}

const ACTIVE = ['new', 'claimed', 'in_progress', 'reopened'];
const LIST_MAX = 10;

/** The figures of one local day (in the digest's time zone). */
async function computeDigest(
  deps: { connection: Connection; returnVisits: ReturnVisitService; timeZone: string },
  day: string,
): Promise<Digest> {
  const { Tickets } = ticketModels(deps.connection);
  const { Responses, Answers } = surveyModels(deps.connection);
  const from = zonedTime(day, 0, 0, deps.timeZone);
  const to = new Date(from.getTime() + 86_400_000);
  const inDay = trusted({ $gte: from, $lt: to });
  const list = (records: TicketRecord[]) => records.map((t) => ({ reference: t.reference, title: t.title }));
  const [suggestions, questions, open, completed, answers, overall, visits] = await Promise.all([
    Tickets.find({ kind: 'suggestion', createdAt: inDay }).sort({ createdAt: 1 }).lean<TicketRecord[]>(),
    Tickets.find({ kind: 'consulting', createdAt: inDay }).sort({ createdAt: 1 }).lean<TicketRecord[]>(),
    Tickets.find(
      { status: trusted({ $ne: 'closed' }), createdAt: trusted({ $lt: to }) },
      { reference: 1, status: 1, createdAt: 1, escalationLevel: 1 },
    ).lean<TicketRecord[]>(),
    Responses.countDocuments({ completedAt: inDay }),
    Answers.countDocuments({ at: inDay }),
    Answers.find({ at: inDay, measure: 'overall' }, { score: 1 }).lean(),
    deps.returnVisits.between(from, to),
  ]);
  const openByAge = { under1d: 0, d1to3: 0, d3to7: 0, over7d: 0 };
  for (const ticket of open) {
    const days = (to.getTime() - ticket.createdAt.getTime()) / 86_400_000;
    if (days < 1) openByAge.under1d++;
    else if (days < 3) openByAge.d1to3++;
    else if (days < 7) openByAge.d3to7++;
    else openByAge.over7d++;
  }
  const scores = overall
    .map((answer) => answer.score)
    .filter((score): score is number => typeof score === 'number');
  const answered = visits.filter(
    (visit) => visit.answeredAt && visit.answeredAt >= from && visit.answeredAt < to,
  );
  const ratings = answered
    .map((visit) => visit.rating)
    .filter((rating): rating is number => typeof rating === 'number');
  return {
    day,
    suggestions: list(suggestions),
    questions: list(questions),
    openByAge,
    slaBreaches: open
      .filter((ticket) => ACTIVE.includes(ticket.status) && ticket.escalationLevel >= 1)
      .map((ticket) => ({ reference: ticket.reference, level: ticket.escalationLevel })),
    survey: {
      completed,
      answers,
      overallMean: scores.length > 0 ? scores.reduce((a, b) => a + b, 0) / scores.length : null,
    },
    returnVisits: {
      answered: answered.length,
      solved: answered.filter((visit) => visit.solved === true).length,
      notSolved: answered.filter((visit) => visit.solved === false).length,
      ratingMean: ratings.length > 0 ? ratings.reduce((a, b) => a + b, 0) / ratings.length : null,
      phone: visits.filter(
        (visit) => visit.phoneFlaggedAt && visit.phoneFlaggedAt >= from && visit.phoneFlaggedAt < to,
      ).length,
    },
  };
}

/** The digest as the staff channel reads it, in `language`; owners' words escaped for Slack. */
function renderDigest(digest: Digest, language: Language): string {
  const fixed = (n: number | null) => (n === null ? '—' : n.toFixed(2));
  const items = (entries: Array<{ reference: string; title: string }>) => [
    ...entries
      .slice(0, LIST_MAX)
      .map((entry) => `  · ${entry.reference} ${escapeMrkdwn(entry.title.slice(0, 60))}`),
    ...(entries.length > LIST_MAX
      ? [`  ${localize(texts.more, language, { count: entries.length - LIST_MAX })}`]
      : []),
  ];
  return [
    localize(texts.title, language, { day: digest.day }),
    localize(texts.suggestions, language, { count: digest.suggestions.length }),
    ...items(digest.suggestions),
    localize(texts.questions, language, { count: digest.questions.length }),
    ...items(digest.questions),
    localize(texts.open, language, {
      a: digest.openByAge.under1d,
      b: digest.openByAge.d1to3,
      c: digest.openByAge.d3to7,
      d: digest.openByAge.over7d,
    }),
    localize(texts.breaches, language, { count: digest.slaBreaches.length }),
    ...digest.slaBreaches.slice(0, LIST_MAX).map((breach) => `  · ${breach.reference} (L${breach.level})`),
    localize(texts.survey, language, {
      completed: digest.survey.completed,
      answers: digest.survey.answers,
      overall: fixed(digest.survey.overallMean),
    }),
    localize(texts.visits, language, {
      answered: digest.returnVisits.answered,
      solved: digest.returnVisits.solved,
      notSolved: digest.returnVisits.notSolved,
      phone: digest.returnVisits.phone,
      rating: fixed(digest.returnVisits.ratingMean),
    }),
  ].join('\n');
}

/**
 * The daily digest to the staff desk (the trade's contact box, opened every day): new
 * suggestions and questions, open cases by age, SLA breaches, and the previous day's
 * survey and return-visit answers. Queued once per day under `digest:<YYYY-MM-DD>`.
 */
export function createDigestService(deps: {
  connection: Connection;
  returnVisits: ReturnVisitService;
  outbox: Outbox;
  logger: Logger;
  timeZone: string;
  staffAddress?: Address;
  /** STAFF_LANGUAGE. */
  language?: Language;
}) {
  const language = deps.language ?? 'zh';
  const compute = (day: string) => computeDigest(deps, day);
  const render = (digest: Digest) => renderDigest(digest, language);

  return {
    compute,
    render,
    /** Queues the digest of the local day before `today` once; false when it was queued before. */
    async send(today: string): Promise<{ day: string; queued: boolean }> {
      const day = previousDay(today);
      const key = `digest:${day}`;
      if (!deps.staffAddress) {
        deps.logger.info({ day }, 'Daily digest skipped: no staff channel configured');
        return { day, queued: false };
      }
      if (await deps.outbox.get(key)) return { day, queued: false };
      const digest = await compute(day);
      const { created } = await deps.outbox.enqueue({
        key,
        address: deps.staffAddress,
        purpose: 'digest',
        message: { text: render(digest), language },
      });
      return { day, queued: created };
    },
  };
}

export type DigestService = ReturnType<typeof createDigestService>;
