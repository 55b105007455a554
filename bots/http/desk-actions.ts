import { isCategory, isIntent } from '../../nlp';
import { DomainError } from '../../services/errors';
import { refusalTexts } from '../../services/i18n/staff';
import { localize, type Language } from '../../services/i18n/text';
import type { StaffAccounts } from '../../services/staff/staff-accounts';
import { MissingFieldsError, type ActionOptions, type Staff } from '../../services/tickets/ticket-service';
import { explainRefusal, type CaseDesk } from '../core/case-desk';
import type { AdminUser } from './admin-access';
import { fieldErrorsOf, type CaseForm, type FormState } from './desk-case-forms';

/** A form's one-time id (`once`): a random token the page put in it; a repeat of the same form has one effect. */
export function actionIdOf(form: Record<string, string>, user: AdminUser): string | undefined {
  const token = form.once ?? '';
  return /^[\w-]{8,64}$/.test(token) ? `desk:${user.id}:${token}` : undefined;
}

export const staffOf = (user: AdminUser): Staff => ({
  id: user.id,
  name: user.name,
  supervisor: user.supervisor,
});

/** What a form post did: done, or refused with what to show next to what was typed. */
export type ActionOutcome = { ok: true } | { ok: false; state: FormState };

/**
 * Runs one desk form against the case desk (the ticket service enforces whose case it is and
 * what a resolution needs). Refusals come back as the form's state in the page's language.
 */
export async function runDeskAction(deps: {
  caseDesk: CaseDesk;
  accounts?: StaffAccounts;
  id: string;
  form: CaseForm;
  values: Record<string, string>;
  user: AdminUser;
  language: Language;
  actionId: string;
}): Promise<ActionOutcome> {
  const { caseDesk, id, values, user, language } = deps;
  const staff = staffOf(user);
  const options: ActionOptions = { actionId: deps.actionId };
  const refused = (error: string, fieldErrors: FormState['fieldErrors'] = {}): ActionOutcome => ({
    ok: false,
    state: { form: deps.form, values, fieldErrors, error },
  });
  try {
    switch (deps.form) {
      case 'claim':
        await caseDesk.claim(id, staff, options);
        break;
      case 'accept':
        await caseDesk.acceptHandover(id, staff, options);
        break;
      case 'decline':
        await caseDesk.declineHandover(id, staff, options);
        break;
      case 'reply':
        await caseDesk.reply(id, staff, values.text ?? '', deps.actionId);
        break;
      case 'note':
        if (!(values.text ?? '').trim()) return refused(localize(refusalTexts.empty_note, language));
        await caseDesk.note(id, staff, values.text ?? '', deps.actionId);
        break;
      case 'resolve':
        await caseDesk.resolve(id, staff, resolutionOf(values), options);
        break;
      case 'handover': {
        const to = await colleague(deps.accounts, values.to ?? '');
        if (!to) return refused(localize(refusalTexts.pick_colleague, language));
        await caseDesk.offerHandover(id, staff, to, options);
        break;
      }
      case 'reclassify': {
        const { intent = '', category = '' } = values;
        if (!isIntent(intent) || !isCategory(category))
          return refused(localize(refusalTexts.pick_labels, language));
        await caseDesk.correct(id, staff, { intent, category }, options);
        break;
      }
    }
    return { ok: true };
  } catch (error) {
    if (error instanceof MissingFieldsError) return refused('', fieldErrorsOf(error.fields, language));
    if (!(error instanceof DomainError)) throw error;
    const ticket = await caseDesk.get(id).catch(() => undefined);
    return refused(explainRefusal(error, ticket, language) ?? error.message);
  }
}

const resolutionOf = (values: Record<string, string>) => ({
  result: values.result ?? '',
  summary: {
    rootCause: values.rootCause ?? '',
    correctiveAction: values.correctiveAction ?? '',
    preventiveAction: values.preventiveAction ?? '',
  },
});

/** A colleague named in the hand-over form: one of the named desk accounts. */
async function colleague(accounts: StaffAccounts | undefined, id: string): Promise<Staff | undefined> {
  const name = id.replace(/^desk:/, '');
  const account = (await accounts?.list())?.find((a) => a.name === name);
  return account
    ? { id: `desk:${account.name}`, name: account.name, supervisor: account.role !== 'staff' }
    : undefined;
}
