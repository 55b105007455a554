import { CATEGORIES, INTENTS } from '../../nlp';
import { deskTexts } from '../../services/i18n/desk';
import { label } from '../../services/i18n/labels';
import { fieldTexts } from '../../services/i18n/staff';
import { formTexts } from '../../services/i18n/staff-forms';
import { localize, type Language } from '../../services/i18n/text';
import type { CannedReply } from '../../services/staff/canned-replies';
import type { TicketRecord } from '../../services/tickets/ticket-model';
import type { ResolutionField } from '../../services/tickets/ticket-service';
import { isComplaint } from '../../services/tickets/transitions';
import { escapeHtml, type AdminUser } from './admin-access';
import { htmlText } from './staff-pages';

/** The forms of the case view. */
export type CaseForm =
  'claim' | 'accept' | 'decline' | 'reply' | 'note' | 'resolve' | 'handover' | 'reclassify';

/** What a refused form comes back with: what was typed, and what to fix. */
export interface FormState {
  form: CaseForm;
  values: Record<string, string>;
  fieldErrors: Partial<Record<ResolutionField, string>>;
  error?: string;
}

export interface FormContext {
  ticket: TicketRecord;
  user: AdminUser;
  language: Language;
  /** The hidden fields: CSRF token and a one-time action id. */
  formFields: () => string;
  colleagues: Array<{ id: string; name: string }>;
  canned: CannedReply[];
  state?: FormState;
}

const ACTIVE = new Set(['new', 'claimed', 'in_progress', 'reopened']);
const HELD = new Set(['claimed', 'in_progress']);

/** Which forms fit the case's state for this person (first-inquiry responsibility decides). */
export function formsFor(ticket: TicketRecord, user: AdminUser): Set<CaseForm> {
  const forms = new Set<CaseForm>(['note', 'reclassify']);
  const holds = ticket.assignee === user.id || user.supervisor;
  const free = !ticket.assignee || holds;
  if ((ticket.status === 'new' || ticket.status === 'reopened') && free) forms.add('claim');
  if (ticket.pendingHandover?.to === user.id) forms.add('accept').add('decline');
  if (HELD.has(ticket.status) && holds) forms.add('reply').add('handover');
  if (ACTIVE.has(ticket.status) && ((HELD.has(ticket.status) && holds) || ticket.status === 'new'))
    forms.add('resolve');
  if (ticket.status === 'new') forms.add('handover');
  return forms;
}

const valueOf = (context: FormContext, form: CaseForm, name: string) =>
  context.state?.form === form ? (context.state.values[name] ?? '') : '';

function postForm(context: FormContext, form: CaseForm, body: string, extra = ''): string {
  const id = String(context.ticket._id);
  const error =
    context.state?.form === form && context.state.error
      ? `<p class="error" role="alert">${escapeHtml(context.state.error)}</p>`
      : '';
  return `<form method="post" action="/desk/cases/${id}/${form}" class="case-form ${form}"${extra}>${context.formFields()}${error}${body}</form>`;
}

/** A required text area, marked, keeping what was typed and showing its error under it. */
function field(context: FormContext, name: ResolutionField, text: string): string {
  const error = context.state?.form === 'resolve' ? context.state.fieldErrors[name] : undefined;
  const id = `f-${name}`;
  const required = htmlText(formTexts, context.language)('required');
  return `<label for="${id}">${escapeHtml(text)} <span class="req" title="${required}">*</span></label><textarea id="${id}" name="${name}" required aria-required="true"${error ? ` class="invalid" aria-invalid="true" aria-describedby="${id}-error"` : ''}>${escapeHtml(valueOf(context, 'resolve', name))}</textarea>${error ? `<div class="field-error" id="${id}-error">${escapeHtml(error)}</div>` : ''}`;
}

function resolveForm(context: FormContext): string {
  const f = (key: keyof typeof formTexts) => localize(formTexts[key], context.language);
  const t = htmlText(deskTexts, context.language);
  const complaint = isComplaint(context.ticket);
  const summary = complaint
    ? `<p class="muted">${escapeHtml(f('complaintNeedsSummary'))}</p>${field(context, 'rootCause', f('rootCause'))}${field(context, 'correctiveAction', f('correctiveAction'))}${field(context, 'preventiveAction', f('preventiveAction'))}`
    : '';
  const failed = context.state?.form === 'resolve' && Object.keys(context.state.fieldErrors).length > 0;
  return postForm(
    context,
    'resolve',
    `<h3>${t('resolve')}</h3>${failed ? `<p class="error" role="alert">${t('fixFields')}</p>` : ''}${field(context, 'result', f('result'))}${summary}<p><button>${t('resolve')}</button></p>`,
    // The browser's own check would stop an empty form before our message in the page's language.
    ' novalidate',
  );
}

function replyForm(context: FormContext): string {
  const t = htmlText(deskTexts, context.language);
  const ownerLanguage = context.ticket.language;
  const canned = context.canned
    .map((reply) => `<option value="${escapeHtml(reply[ownerLanguage])}">${escapeHtml(reply.title)}</option>`)
    .join('');
  return postForm(
    context,
    'reply',
    `<h3>${t('reply')}</h3><p class="muted">${t('replyHint', { channel: label(context.ticket.address.channel, context.language) })}</p>${canned ? `<select class="canned" aria-label="${t('cannedPick')}"><option value="">${t('cannedPick')}</option>${canned}</select>` : ''}<textarea name="text" aria-label="${t('reply')}" required>${escapeHtml(valueOf(context, 'reply', 'text'))}</textarea><p><button>${t('send')}</button></p>`,
  );
}

function select(name: string, text: string, options: readonly string[], current: string, language: Language) {
  const choices = options
    .map(
      (o) =>
        `<option value="${o}"${o === current ? ' selected' : ''}>${escapeHtml(label(o, language))}</option>`,
    )
    .join('');
  return `<label>${escapeHtml(text)} <select name="${name}" aria-label="${escapeHtml(text)}">${choices}</select></label>`;
}

/** A form used now and then, folded under its title (open again when it came back refused). */
function folded(context: FormContext, form: CaseForm, title: string, body: string): string {
  const open = context.state?.form === form ? ' open' : '';
  return `<details class="folded"${open}><summary>${title}</summary>${body}</details>`;
}

function handoverForm(context: FormContext): string {
  const t = htmlText(deskTexts, context.language);
  const others = context.colleagues.filter((c) => c.id !== context.user.id);
  if (others.length === 0) return `<h3>${t('handover')}</h3><p class="muted">${t('noColleagues')}</p>`;
  const options = others
    .map((c) => `<option value="${escapeHtml(c.id)}">${escapeHtml(c.name)}</option>`)
    .join('');
  return folded(
    context,
    'handover',
    t('handover'),
    postForm(
      context,
      'handover',
      `<label>${t('handoverTo')} <select name="to" aria-label="${t('handoverTo')}">${options}</select></label><p><button>${t('handoverAsk')}</button></p>`,
    ),
  );
}

function reclassifyForm(context: FormContext): string {
  const t = htmlText(deskTexts, context.language);
  const f = (key: keyof typeof formTexts) => localize(formTexts[key], context.language);
  const { ticket, language } = context;
  return folded(
    context,
    'reclassify',
    t('reclassify'),
    postForm(
      context,
      'reclassify',
      `<p class="muted">${t('reclassifyHint')}</p>${select('intent', f('intent'), INTENTS, ticket.intent, language)}${select('category', f('category'), CATEGORIES, ticket.category, language)}<p><button class="secondary">${t('reclassify')}</button></p>`,
    ),
  );
}

/** The forms that fit, in the order staff use them; read-only cases say who holds them. */
export function caseForms(context: FormContext): string {
  const forms = formsFor(context.ticket, context.user);
  const t = htmlText(deskTexts, context.language);
  const { ticket } = context;
  const parts: string[] = [];
  // A refusal of a form this person no longer sees (the case moved on, or was never theirs).
  if (context.state?.error && !forms.has(context.state.form))
    parts.push(`<p class="error" role="alert">${escapeHtml(context.state.error)}</p>`);
  if (forms.has('claim')) parts.push(postForm(context, 'claim', `<button>${t('claim')}</button>`));
  if (forms.has('accept'))
    parts.push(
      `<div class="handover-ask">${t('handoverToYou', { from: ticket.assigneeName || ticket.assignee })} ${postForm(context, 'accept', `<button>${t('accept')}</button>`)} ${postForm(context, 'decline', `<button class="secondary">${t('decline')}</button>`)}</div>`,
    );
  if (forms.has('reply')) parts.push(replyForm(context));
  else if (ACTIVE.has(ticket.status) && !forms.has('claim') && ticket.assignee)
    parts.push(`<p class="muted">${t('readOnly', { name: ticket.assigneeName || ticket.assignee })}</p>`);
  else if (forms.has('claim')) parts.push(`<p class="muted">${t('needsClaim')}</p>`);
  if (forms.has('resolve')) parts.push(resolveForm(context));
  parts.push(
    postForm(
      context,
      'note',
      `<h3>${t('addNote')}</h3><p class="muted">${t('noteHint')}</p><textarea name="text" aria-label="${t('note')}" required>${escapeHtml(valueOf(context, 'note', 'text'))}</textarea><p><button class="secondary">${t('saveNote')}</button></p>`,
    ),
  );
  if (forms.has('handover')) parts.push(handoverForm(context));
  parts.push(reclassifyForm(context));
  return parts.join('');
}

/** The field errors of a refused resolution, in the page's language. */
export function fieldErrorsOf(fields: readonly ResolutionField[], language: Language) {
  return Object.fromEntries(
    fields.map((f) => [f, localize(fieldTexts[f], language)]),
  ) as FormState['fieldErrors'];
}
