import { deskTexts } from '../../services/i18n/desk';
import type { Language } from '../../services/i18n/text';
import { localDateTime } from '../../services/i18n/time';
import type { CannedReply } from '../../services/staff/canned-replies';
import { escapeHtml } from './admin-access';
import { htmlText } from './staff-pages';

/** One editable canned reply (or an empty one to add), both languages side by side. */
function cannedForm(
  reply: CannedReply | undefined,
  context: { language: Language; timeZone: string },
  formFields: string,
): string {
  const { language } = context;
  const t = htmlText(deskTexts, language);
  const id = reply ? escapeHtml(reply._id) : '';
  const changed =
    reply?.updatedBy && reply.updatedAt
      ? `<p class="muted">${t('cannedBy', { name: reply.updatedBy.replace(/^desk:/, ''), time: localDateTime(reply.updatedAt, context.timeZone) })}</p>`
      : '';
  const remove = reply
    ? `<form method="post" action="/desk/canned/${id}/delete" class="inline">${formFields}<button class="secondary">${t('cannedDelete')}</button></form>`
    : '';
  return `<section class="panel"><form method="post" action="/desk/canned">${formFields}<input type="hidden" name="id" value="${id}"><label>${t('cannedTitle')}<input name="title" value="${escapeHtml(reply?.title ?? '')}" aria-label="${t('cannedTitle')}" required></label><div class="two"><label>${t('cannedZh')}<textarea name="zh" aria-label="${t('cannedZh')}" required>${escapeHtml(reply?.zh ?? '')}</textarea></label><label>${t('cannedEn')}<textarea name="en" aria-label="${t('cannedEn')}" required>${escapeHtml(reply?.en ?? '')}</textarea></label></div><p><button>${t(reply ? 'cannedSave' : 'cannedAdd')}</button></p></form>${changed}${remove}</section>`;
}

/** The canned replies page: each reply editable, and one empty form to add another. */
export function cannedPageBody(
  replies: CannedReply[],
  context: { language: Language; formFields: () => string; error?: string; timeZone: string },
): string {
  const t = htmlText(deskTexts, context.language);
  const error = context.error ? `<p class="error" role="alert">${escapeHtml(context.error)}</p>` : '';
  const forms = replies.map((reply) => cannedForm(reply, context, context.formFields()));
  return `<h2>${t('canned')}</h2><p class="muted">${t('cannedIntro')}</p>${error}${forms.join('')}<h3>${t('cannedAdd')}</h3>${cannedForm(undefined, context, context.formFields())}`;
}

export const CANNED_STYLE = `.two{display:grid;grid-template-columns:repeat(auto-fit,minmax(240px,1fr));gap:8px}form.inline{display:inline}.panel{background:#fff;border:1px solid #e5e7eb;border-radius:10px;padding:10px 14px;margin:10px 0}`;
