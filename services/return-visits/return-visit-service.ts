import { randomBytes } from 'node:crypto';
import type { Connection } from 'mongoose';
import { choiceFromNumber } from '../channels/render';
import type { Address, Button, OutboundMessage } from '../channels/types';
import type { Clock } from '../clock';
import { trusted } from '../database/connect';
import { DomainError } from '../errors';
import { localize, type Language, type LocalizedText } from '../i18n/text';
import type { Logger } from '../logging/logger';
import { isDuplicateKey, type Outbox } from '../outbox/outbox';
import type { OwnerService } from '../owners/owner-service';
import { isQuiet, type QuietHours } from '../surveys/local-time';
import {
  isSkip,
  type OutreachAnswerer,
  type OutreachAnswerInput,
  type OutreachReply,
} from '../surveys/outreach-answer';
import { returnVisitStaffTexts, returnVisitTexts } from '../i18n/return-visits';
import { SCALE_LABELS } from '../i18n/surveys';
import { periodKeys, ticketModels, type TicketRecord } from '../tickets/ticket-model';
import type { TicketService } from '../tickets/ticket-service';
import { returnVisitModel, type ReturnVisitRecord, type ReturnVisitStep } from './return-visit-model';

export interface ReturnVisitSettings {
  /** How long after a case is resolved the owner is asked (default 24 h). */
  delayMs: number;
  /** No answer this long after the prompt: the case is flagged for a phone visit (default 3 days). */
  phoneAfterMs: number;
  quietHours: QuietHours | null;
  timeZone: string;
  /** Free text this long after a question still counts as its answer. */
  answerWindowMs: number;
}

export const DEFAULT_RETURN_VISIT_SETTINGS: ReturnVisitSettings = {
  delayMs: 24 * 3_600_000,
  phoneAfterMs: 3 * 86_400_000,
  quietHours: { startMinute: 21 * 60, endMinute: 8 * 60 },
  timeZone: 'Asia/Shanghai',
  answerWindowMs: 2 * 86_400_000,
};

const YES = /^(yes|y|yep|solved|fixed|ok|是|是的|对|解决了|已解决|好了|修好了|没问题)[.!。！]*$/i;
const NO = /^(no|n|nope|not yet|not solved|否|不|没有|没|没解决|未解决|还没|还没有|没修好)[.!。！]*$/i;
const ACTION = /^rv:([A-Za-z0-9_-]{16,32}):(solved|rating|comment):(yes|no|[1-5]|skip)$/;
const OPEN_STEPS: ReturnVisitStep[] = ['solved', 'rating', 'comment', 'detail'];

/**
 * Return visits (the trade's step after handling): a configurable delay after a case is
 * resolved the owner is asked "Was it solved? How satisfied (1-5)? Anything to add?".
 * "No" or a rating of 2 or less reopens the case (it stays with its staff owner, the SLA
 * starts a new round) and tells staff again; no answer in time flags it for a phone visit.
 * The case changes only through the ticket service's verbs.
 */
export function createReturnVisitService(deps: {
  connection: Connection;
  tickets: TicketService;
  owners: OwnerService;
  outbox: Outbox;
  clock: Clock;
  logger: Logger;
  settings?: Partial<ReturnVisitSettings>;
  /** The staff conversation (Slack escalation channel); without it staff see the case on the desk. */
  staffAddress?: Address;
  staffLanguage?: Language;
}) {
  const settings: ReturnVisitSettings = { ...DEFAULT_RETURN_VISIT_SETTINGS, ...deps.settings };
  const Visits = returnVisitModel(deps.connection);
  const { Tickets } = ticketModels(deps.connection);
  const log = deps.logger.child({ component: 'return-visits' });
  const staffLanguage = deps.staffLanguage ?? 'zh';

  function buttons(token: string, step: 'solved' | 'rating' | 'comment', language: Language): Button[] {
    const action = (value: string) => `rv:${token}:${step}:${value}`;
    if (step === 'solved')
      return [
        { label: localize(returnVisitTexts.yes, language), action: action('yes') },
        { label: localize(returnVisitTexts.no, language), action: action('no') },
      ];
    if (step === 'rating')
      return SCALE_LABELS.overall.map((label, i) => ({
        label: localize(label, language),
        action: action(String(i + 1)),
      }));
    return [{ label: localize(returnVisitTexts.skip, language), action: action('skip') }];
  }

  const ask = (
    visit: Pick<ReturnVisitRecord, 'buttonToken' | 'language'>,
    step: 'rating' | 'comment',
    lead = '',
  ): OutboundMessage => ({
    text: [lead, localize(returnVisitTexts[step], visit.language)].filter(Boolean).join('\n'),
    language: visit.language,
    buttons: buttons(visit.buttonToken, step, visit.language),
  });

  async function tellStaff(
    key: string,
    caseId: string,
    text: string,
    options: { thread?: boolean; claim?: boolean } = {},
  ) {
    if (!deps.staffAddress) {
      log.info({ caseId, key }, 'Return-visit notice waiting for staff on the desk');
      return;
    }
    const ticket = await deps.tickets.get(caseId);
    const thread = options.thread && ticket.staffThread ? { threadId: ticket.staffThread.threadId } : {};
    await deps.outbox.enqueue({
      key,
      address: { ...deps.staffAddress, ...thread },
      purpose: 'escalation',
      caseId,
      message: {
        language: staffLanguage,
        text,
        ...(options.claim
          ? {
              buttons: [
                {
                  action: `case:claim:${caseId}`,
                  label: localize({ zh: '认领', en: 'Claim' }, staffLanguage),
                },
              ],
            }
          : {}),
      },
    });
  }

  const who = (visit: ReturnVisitRecord) =>
    /^[UW][A-Z0-9]+$/.test(visit.assignee)
      ? `<@${visit.assignee}>`
      : visit.assigneeName || visit.assignee || '—';

  /** Reopens the case for its staff owner and tells staff again (keyed: once per visit). */
  async function reopen(visit: ReturnVisitRecord, why: string): Promise<void> {
    try {
      await deps.tickets.reopen(visit.ticketId, 'return-visit', `Return visit: ${why}`);
    } catch (error) {
      // Already reopened by a retried handling of the same answer, or by staff meanwhile.
      if (!(error instanceof DomainError && error.code === 'invalid_transition')) throw error;
    }
    await tellStaff(
      `escalation:${visit.ticketId}:return_visit_r${visit.round}`,
      visit.ticketId,
      localize(returnVisitStaffTexts.reopened, staffLanguage, {
        reference: visit.reference,
        why,
        assignee: who(visit),
      }),
      { claim: true },
    );
  }

  async function update(visit: ReturnVisitRecord, set: Partial<ReturnVisitRecord>): Promise<void> {
    await Visits.updateOne({ _id: visit._id }, { $set: set });
  }

  /** Starts the visit of one resolved case; safe to repeat (keyed by case and round). */
  async function startVisit(ticket: TicketRecord, now: Date): Promise<boolean> {
    const ticketId = String(ticket._id);
    const id = `${ticketId}:${ticket.slaRound ?? 0}`;
    let visit = await Visits.findById(id).lean<ReturnVisitRecord>();
    if (!visit) {
      const record: ReturnVisitRecord = {
        _id: id,
        ticketId,
        reference: ticket.reference,
        round: ticket.slaRound ?? 0,
        ownerId: ticket.ownerId,
        identityKey: ticket.identityKey,
        address: { ...ticket.address },
        language: ticket.language,
        building: ticket.building,
        kind: ticket.kind,
        assignee: ticket.assignee,
        assigneeName: ticket.assigneeName,
        status: 'asked',
        step: 'solved',
        resolvedAt: ticket.resolvedAt ?? now,
        askedAt: now,
        stepAskedAt: now,
        solved: null,
        rating: null,
        comment: '',
        answeredAt: null,
        phoneFlaggedAt: null,
        buttonToken: randomBytes(12).toString('base64url'),
        quarter: periodKeys(now, settings.timeZone).quarter,
      };
      try {
        await Visits.create(record);
        visit = record;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        visit = await Visits.findById(id).lean<ReturnVisitRecord>();
      }
    }
    if (!visit || visit.status !== 'asked' || visit.step !== 'solved') return false;
    try {
      await deps.tickets.startReturnVisit(ticketId, 'return-visit');
    } catch (error) {
      if (!(error instanceof DomainError && error.code === 'invalid_transition')) throw error;
    }
    const identity = await deps.owners.identityByKey(visit.identityKey);
    if (identity?.unreachable) {
      await flagPhone(visit, now);
      return true;
    }
    const address: Address = {
      channel: visit.address.channel as Address['channel'],
      conversationId: visit.address.conversationId,
      ...(visit.address.threadId ? { threadId: visit.address.threadId } : {}),
    };
    await deps.outbox.enqueue({
      key: `return-visit:${id}`,
      address,
      purpose: 'return_visit',
      caseId: ticketId,
      ...(visit.ownerId ? { ownerId: visit.ownerId } : {}),
      message: {
        text: localize(returnVisitTexts.solved, visit.language, {
          reference: visit.reference,
          title: shorten(ticket.title, 40),
        }),
        language: visit.language,
        buttons: buttons(visit.buttonToken, 'solved', visit.language),
      },
    });
    return true;
  }

  async function flagPhone(visit: ReturnVisitRecord, now: Date): Promise<void> {
    await update(visit, { status: 'phone', phoneFlaggedAt: now, step: 'done' });
    await tellStaff(
      `return-visit-phone:${visit._id}`,
      visit.ticketId,
      localize(returnVisitStaffTexts.phone, staffLanguage, {
        reference: visit.reference,
        days: Math.round(settings.phoneAfterMs / 86_400_000),
      }),
      { thread: true },
    );
    log.info({ reference: visit.reference }, 'Return visit flagged for a phone call');
  }

  /** Closes a case the owner was satisfied with; a complaint without its summary waits for staff. */
  async function closeSatisfied(visit: ReturnVisitRecord): Promise<boolean> {
    try {
      await deps.tickets.close(visit.ticketId, 'return-visit');
      return true;
    } catch (error) {
      if (
        error instanceof DomainError &&
        (error.code === 'summary_required' || error.code === 'invalid_transition')
      ) {
        log.info({ reference: visit.reference, reason: error.code }, 'Case left open after its return visit');
        return false;
      }
      throw error;
    }
  }

  /**
   * One pass: asks about cases resolved at least `delayMs` ago (outside quiet hours), flags
   * visits without an answer after `phoneAfterMs`, and closes satisfied visits whose owner
   * never added a comment.
   */
  async function run(): Promise<{ asked: number; phone: number; closed: number }> {
    await Visits.init();
    const now = deps.clock.now();
    const result = { asked: 0, phone: 0, closed: 0 };
    if (!isQuiet(now, settings.quietHours, settings.timeZone)) {
      const due = await Tickets.find({
        status: 'resolved',
        resolvedAt: trusted({ $lte: new Date(now.getTime() - settings.delayMs) }),
        kind: trusted({ $ne: 'suggestion' }),
      })
        .sort({ resolvedAt: 1 })
        .limit(200)
        .lean<TicketRecord[]>();
      for (const stale of due) {
        const ticket = await deps.tickets.get(String(stale._id)); // caught up with its event log
        if (ticket.status !== 'resolved') continue;
        if (await startVisit(ticket, now)) result.asked++;
      }
    }
    const overdue = await Visits.find({
      status: 'asked',
      stepAskedAt: trusted({ $lte: new Date(now.getTime() - settings.phoneAfterMs) }),
    }).lean<ReturnVisitRecord[]>();
    for (const visit of overdue) {
      if (visit.step === 'comment') {
        await update(visit, { status: 'answered', step: 'done' });
        if (await closeSatisfied(visit)) result.closed++;
      } else {
        await flagPhone(visit, now);
        result.phone++;
      }
    }
    return result;
  }

  async function openVisit(identityKey: string): Promise<ReturnVisitRecord | undefined> {
    const [visit] = await Visits.find({ identityKey, step: trusted({ $in: OPEN_STEPS }) })
      .sort({ stepAskedAt: -1 })
      .limit(1)
      .lean<ReturnVisitRecord[]>();
    return visit;
  }

  async function answer(input: OutreachAnswerInput): Promise<OutreachReply | undefined> {
    const pressed = ACTION.exec(input.action);
    let visit: ReturnVisitRecord | undefined;
    if (pressed) {
      const found = await Visits.findOne({ buttonToken: pressed[1] as string }).lean<ReturnVisitRecord>();
      // Only the owner the visit was sent to may answer it (from the identity it went to, or
      // another identity bound to the same owner).
      const theirs =
        found &&
        (found.identityKey === input.identity.key ||
          (found.ownerId !== '' && input.identity.verified && found.ownerId === input.identity.ownerId));
      visit = theirs ? found : undefined;
    } else visit = await openVisit(input.identity.key);
    if (!visit) return undefined;
    const language = visit.language;
    const text = input.text.trim();
    const at = input.at;
    const caseId = visit.ticketId;
    const done = (outcome: string, reply: OutboundMessage): OutreachReply => ({ outcome, reply, caseId });
    const say = (t: LocalizedText, values: Record<string, string | number> = {}): OutboundMessage => ({
      text: localize(t, language, values),
      language,
    });
    const step = pressed ? (pressed[2] as ReturnVisitStep) : visit.step;
    if (step !== visit.step) {
      // A button of a question already answered: the answer given stands.
      if (visit.step === 'rating' || visit.step === 'comment')
        return done('return_visit_repeat', ask(visit, visit.step));
      return done('return_visit_repeat', say(returnVisitTexts.thanksOpen));
    }
    const fresh = at.getTime() - visit.stepAskedAt.getTime() <= settings.answerWindowMs;

    if (step === 'solved') {
      const value = pressed
        ? pressed[3]
        : YES.test(text.normalize('NFKC'))
          ? 'yes'
          : NO.test(text.normalize('NFKC'))
            ? 'no'
            : choiceFromNumber(text, ['yes', 'no']);
      if (value !== 'yes' && value !== 'no') {
        if (/^\d+$/.test(text.normalize('NFKC')))
          return done('return_visit_invalid', say(returnVisitTexts.notAnAnswer));
        return undefined;
      }
      if (value === 'no') {
        await update(visit, {
          solved: false,
          status: 'reopened',
          step: 'detail',
          stepAskedAt: at,
          answeredAt: at,
        });
        await reopen(visit, localize(returnVisitStaffTexts.notSolved, staffLanguage));
        return done(
          'return_visit_not_solved',
          say(returnVisitTexts.reopened, { reference: visit.reference }),
        );
      }
      await update(visit, { solved: true, step: 'rating', stepAskedAt: at, answeredAt: at });
      return done('return_visit_solved', ask(visit, 'rating'));
    }

    if (step === 'rating') {
      const value = pressed ? pressed[3] : choiceFromNumber(text, ['1', '2', '3', '4', '5']);
      const rating = Number(value);
      if (!(rating >= 1 && rating <= 5)) {
        if (/^\d+$/.test(text.normalize('NFKC')))
          return done(
            'return_visit_invalid',
            ask(visit, 'rating', localize(returnVisitTexts.notAScore, language)),
          );
        return undefined;
      }
      await deps.tickets.recordReturnVisit(visit.ticketId, { rating }).catch((error: unknown) => {
        if (!(error instanceof DomainError && error.code === 'invalid_transition')) throw error;
      });
      if (rating <= 2) {
        await update(visit, { rating, status: 'reopened', step: 'detail', stepAskedAt: at, answeredAt: at });
        await reopen(visit, localize(returnVisitStaffTexts.lowRating, staffLanguage, { rating }));
        return done(
          'return_visit_low_rating',
          say(returnVisitTexts.reopened, { reference: visit.reference }),
        );
      }
      await update(visit, { rating, step: 'comment', stepAskedAt: at, answeredAt: at });
      return done('return_visit_rated', ask(visit, 'comment'));
    }

    if (step === 'comment') {
      const skip = pressed ? pressed[3] === 'skip' : isSkip(text);
      if (!skip && (text === '' || !fresh)) return undefined;
      const comment = skip ? '' : text.slice(0, 2000);
      await deps.tickets
        .recordReturnVisit(visit.ticketId, { rating: visit.rating ?? 3, comment })
        .catch((error: unknown) => {
          if (!(error instanceof DomainError && error.code === 'invalid_transition')) throw error;
        });
      await update(visit, { comment, status: 'answered', step: 'done', answeredAt: at });
      const closed = await closeSatisfied(visit);
      return done(
        'return_visit_done',
        closed
          ? say(returnVisitTexts.thanks, { reference: visit.reference })
          : say(returnVisitTexts.thanksOpen),
      );
    }

    if (step === 'detail') {
      if (isSkip(text) || text === '' || !fresh) return undefined;
      await deps.tickets.addOwnerMessage(visit.ticketId, { text, messageKey: input.messageKey, at });
      await update(visit, { comment: text.slice(0, 2000), step: 'done' });
      await tellStaff(
        `relay:${input.messageKey}`,
        visit.ticketId,
        localize(returnVisitStaffTexts.detail, staffLanguage, { reference: visit.reference, text }),
        { thread: true },
      );
      return done('return_visit_detail', say(returnVisitTexts.detailNoted));
    }
    return undefined;
  }

  const answerer: OutreachAnswerer = {
    accepts: (action) => action.startsWith('rv:'),
    async pendingSince(identity) {
      return (await openVisit(identity.key))?.stepAskedAt;
    },
    answer,
  };

  return {
    run,
    answerer,
    /** Visits answered or flagged in [from, to), for the daily digest. */
    async between(from: Date, to: Date): Promise<ReturnVisitRecord[]> {
      const [answered, flagged] = await Promise.all([
        Visits.find({ answeredAt: trusted({ $gte: from, $lt: to }) }).lean<ReturnVisitRecord[]>(),
        Visits.find({ phoneFlaggedAt: trusted({ $gte: from, $lt: to }) }).lean<ReturnVisitRecord[]>(),
      ]);
      const byId = new Map([...answered, ...flagged].map((visit) => [visit._id, visit]));
      return [...byId.values()];
    },
  };
}

export type ReturnVisitService = ReturnType<typeof createReturnVisitService>;

function shorten(text: string, max: number): string {
  const chars = Array.from(text.replace(/\s+/g, ' ').trim());
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max - 1).join('')}…`;
}
