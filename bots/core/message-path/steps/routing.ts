import {
  conversationTexts as texts,
  caseStatusNames,
  attachmentNames,
} from '../../../../services/i18n/conversation';
import { localize, oneLine } from '../../../../services/i18n/text';
import type { HandlingResult } from '../../../../services/messages/handling-lease';
import { escalateIfBorderline, type CaseActions } from '../case-actions';
import type { CasePort, StaffPort } from '../ports';
import { say, type Reply } from '../replies';
import { caseTheMessageIsAbout, isProgressQuestion, isStillBroken, justResolved } from '../topics';
import { handled, type Step, type Turn } from '../turn';

export interface RoutingDeps {
  cases: CasePort;
  staff: StaffPort;
  actions: CaseActions;
  reply: Reply;
  /** A message within this time of the owner's last one on a case may add to it. */
  followUpWindowMs: number;
}

/** Where each of the owner's cases stands, who holds it; never opens a case. */
export async function listCases(turn: Turn, reply: Reply): Promise<HandlingResult> {
  const { language } = turn;
  const open = await turn.openCases();
  if (open.length === 0) {
    await reply(turn, 'cases', say(language, texts.noOpenCases));
    return handled(turn, 'my_cases');
  }
  const lines = open.slice(0, 10).map((view) =>
    localize(texts.progressLine, language, {
      reference: view.reference,
      status: localize(caseStatusNames[view.status] ?? { zh: view.status, en: view.status }, language),
      handler: view.assigneeName
        ? localize(texts.progressHandler, language, { name: view.assigneeName })
        : '',
      summary: oneLine(view.title, 40),
    }),
  );
  await reply(turn, 'cases', {
    text: [localize(texts.progressHeader, language), ...lines].join('\n'),
    language,
  });
  return handled(turn, 'my_cases');
}

/**
 * Routing by topic, for a message that answers nothing the bot asked: a question about
 * progress lists the owner's cases; "still not fixed" reopens the case just resolved; a
 * detail or a photo about the case the owner is reporting adds to it (every time with a
 * reply). Anything else, a question or a complaint included, goes on to be understood on
 * its own merits.
 */
export function routingByTopic(deps: RoutingDeps): Step {
  async function route(turn: Turn): Promise<HandlingResult | undefined> {
    const { understanding, language, message } = turn;
    if (isProgressQuestion(turn.text)) return listCases(turn, deps.reply);
    const cases = await turn.openCases();
    if (isStillBroken(turn.text)) {
      const resolved = justResolved(cases, message.receivedAt);
      if (resolved) {
        const reopened = await deps.cases.reopenByOwner(resolved.id, message);
        await deps.staff.escalate({
          caseView: reopened,
          urgent: false,
          reason: 'reopened_by_owner',
          identity: turn.identity,
        });
        const outbound = say(language, texts.stillBrokenReopened, { reference: reopened.reference });
        await deps.reply(turn, 'case', outbound, { caseId: reopened.id });
        return handled(turn, 'case_reopened', { caseId: reopened.id });
      }
    }
    const about = caseTheMessageIsAbout(
      cases,
      { understanding, hasAttachments: message.attachments.length > 0, at: message.receivedAt },
      deps.followUpWindowMs,
    );
    if (about && !about.heldByStaff) {
      await deps.cases.addOwnerMessage(about.id, message);
      await escalateIfBorderline(deps.staff, turn, about);
      await deps.reply(
        turn,
        'follow-up',
        say(language, texts.followUpAttached, { reference: about.reference }),
        {
          caseId: about.id,
        },
      );
      return handled(turn, 'case_follow_up', { caseId: about.id });
    }
    if (turn.text === '' && message.attachments.length > 0) {
      const kind = message.attachments[0]?.kind ?? 'document';
      const name = localize(attachmentNames[kind] ?? { zh: '文件', en: 'file' }, language);
      await deps.reply(turn, 'attachment', say(language, texts.attachmentOnly, { kind: name }));
      return handled(turn, 'asked_description');
    }
    return undefined;
  }

  return async (turn, next) => {
    turn.result = await route(turn);
    if (!turn.result) await next();
  };
}
