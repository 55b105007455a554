import { deskTexts, historyTexts } from '../../services/i18n/desk';
import { label } from '../../services/i18n/labels';
import { localize, type Language } from '../../services/i18n/text';
import { localDateTime } from '../../services/i18n/time';
import type { Identity, Owner } from '../../services/owners/owner-model';
import { maskPhonesInText } from '../../services/privacy/phone-mask';
import type { TicketHistoryEntry, TicketMessage, TicketRecord } from '../../services/tickets/ticket-model';
import { identityUnlockForm } from './desk-locks';
import { escapeHtml } from './admin-access';
import { caseForms, type FormContext } from './desk-case-forms';
import { countdown, type CardContext } from './desk-queue';
import { htmlText } from './staff-pages';

/** Everything the case view shows: the case, who wrote it, their other cases. */
export interface CaseFile {
  ticket: TicketRecord;
  who: string;
  owner?: Owner;
  identity?: Identity;
  /** The owner's other cases, newest first. */
  past: TicketRecord[];
  /** Whether photos of this case's channel can be shown inline (fetched through the desk). */
  photos: boolean;
}

type PageContext = CardContext & Omit<FormContext, 'ticket'>;

/** Whether the owner's chat may not try the home-link question now (locked out by wrong answers). */
const lockedOut = (identity: Identity | undefined, now: Date): boolean =>
  identity?.binding.step === 'locked' || (identity?.binding.lockedUntil ?? new Date(0)) > now;

function ownerPanel(file: CaseFile, context: PageContext): string {
  const t = htmlText(deskTexts, context.language);
  const { ticket, owner, identity } = file;
  const row = (name: string, value: string) =>
    `<tr><th>${name}</th><td>${escapeHtml(value || '—')}</td></tr>`;
  const past = file.past
    .filter((c) => String(c._id) !== String(ticket._id))
    .map((c) => {
      const resolved = c.history?.findLast?.((h) => h.action === 'resolved')?.note;
      const rating = c.returnVisit?.rating ? ` · ${t('rated', { rating: c.returnVisit.rating })}` : '';
      return `<li><a href="/desk/cases/${String(c._id)}">${escapeHtml(c.reference)}</a> ${escapeHtml(label(c.status, context.language))} · ${escapeHtml(localDateTime(c.createdAt, context.timeZone).slice(0, 10))} · ${escapeHtml(c.title.slice(0, 40))}${resolved ? ` → ${escapeHtml(resolved.slice(0, 60))}` : ''}${rating}</li>`;
    })
    .join('');
  return `<section class="panel owner-panel" aria-label="${t('ownerPanel')}"><h2>${t('ownerPanel')}</h2><table>${row(t('name'), owner?.name ?? file.who)}${row(t('building'), owner?.building ?? ticket.building)}${row(t('unit'), owner?.unit ?? ticket.unit)}${row(t('phone'), owner?.maskedPhone ?? '')}${row(t('language'), label(identity?.language ?? ticket.language, context.language))}${row(t('channel'), label(ticket.address.channel, context.language))}${row(t('verified'), localize(ticket.verified ? deskTexts.verified : deskTexts.unverified, context.language))}</table>${lockedOut(identity, context.now) ? identityUnlockForm(identity!.key, context) : ''}${owner ? '' : `<p class="muted">${t('notOnFile')}</p>`}<h3>${t('pastCases')}</h3>${past ? `<ul class="past">${past}</ul>` : `<p class="muted">${t('noPastCases')}</p>`}</section>`;
}

function attachments(message: TicketMessage, index: number, file: CaseFile, language: Language): string {
  const t = htmlText(deskTexts, language);
  return (message.attachments ?? [])
    .map((attachment, n) =>
      attachment.kind === 'photo' && file.photos
        ? `<a href="/desk/cases/${String(file.ticket._id)}/attachments/${index}/${n}"><img class="photo" src="/desk/cases/${String(file.ticket._id)}/attachments/${index}/${n}" alt="${t('attachment', { kind: label(attachment.kind, language) })}" loading="lazy"></a>`
        : `<span class="badge">📎 ${t('attachment', { kind: attachment.kind })}</span>`,
    )
    .join('');
}

function messageItem(message: TicketMessage, index: number, file: CaseFile, context: PageContext): string {
  const t = htmlText(deskTexts, context.language);
  const author =
    message.from === 'owner'
      ? escapeHtml(file.who)
      : message.from === 'bot'
        ? t('fromBot')
        : message.from === 'note'
          ? `${t('note')} · ${escapeHtml(message.byName || message.by || '')}`
          : escapeHtml(message.byName || message.by || '');
  return `<li class="msg ${message.from}"><div class="meta">${author} · ${escapeHtml(localDateTime(new Date(message.at), context.timeZone))}</div><div class="text">${escapeHtml(maskPhonesInText(message.text))}</div>${attachments(message, index, file, context.language)}</li>`;
}

function historyItem(entry: TicketHistoryEntry, context: PageContext): string {
  const action = (historyTexts as Record<string, { zh: string; en: string }>)[entry.action];
  const what = action ? localize(action, context.language) : entry.action;
  const actor = entry.actor.replace(/^desk:/, '');
  return `<li class="event"><span>${escapeHtml(localDateTime(new Date(entry.at), context.timeZone))} · ${escapeHtml(actor)} ${escapeHtml(what)}${entry.note ? `: ${escapeHtml(maskPhonesInText(entry.note))}` : ''}</span></li>`;
}

/** The whole conversation, the bot's messages, notes and the case's steps, in time order. */
export function threadList(file: CaseFile, context: PageContext): string {
  const items = [
    ...file.ticket.messages.map((m, i) => ({
      at: new Date(m.at).getTime(),
      html: messageItem(m, i, file, context),
    })),
    ...file.ticket.history
      .filter((h) => h.action !== 'received')
      .map((h) => ({ at: new Date(h.at).getTime(), html: historyItem(h, context) })),
  ].sort((a, b) => a.at - b.at);
  return `<ol class="thread" id="thread">${items.map((i) => i.html).join('')}</ol>`;
}

function threadOf(file: CaseFile, context: PageContext): string {
  const t = htmlText(deskTexts, context.language);
  return `<section class="panel"><h2>${t('thread')}</h2>${threadList(file, context)}</section>`;
}

/** The case view's body: its head, the owner panel, the thread and the forms that fit. */
export function casePageBody(file: CaseFile, context: PageContext): string {
  const { ticket, language } = { ticket: file.ticket, language: context.language };
  const t = htmlText(deskTexts, language);
  const kind = label(ticket.emergencyKind || ticket.kind, language);
  const holder = ticket.assignee ? ` · ${t('heldBy', { name: ticket.assigneeName || ticket.assignee })}` : '';
  const head = `<div class="case-head ${ticket.priority}" data-id="${String(ticket._id)}" data-version="${ticket.version}"><a href="/desk">← ${t('back')}</a><h2>${escapeHtml(ticket.reference)} <span class="badge">${escapeHtml(kind)}</span> <span class="badge">${escapeHtml(label(ticket.category, language))}</span> <span class="badge status">${escapeHtml(label(ticket.status, language))}</span></h2><div>${countdown(ticket, context)}</div><div class="muted">${t('opened', { time: localDateTime(ticket.createdAt, context.timeZone) })}${holder}</div></div>`;
  const forms = caseForms({ ...context, ticket });
  return `${head}<div class="case-grid"><div>${threadOf(file, context)}<section class="panel forms">${forms}</section></div>${ownerPanel(file, context)}</div>`;
}

export const CASE_STYLE = `.case-head h2{margin:4px 0;font-size:20px}.case-grid{display:grid;grid-template-columns:minmax(0,2fr) minmax(0,1fr);gap:12px;align-items:start}
@media (max-width:760px){.case-grid{grid-template-columns:minmax(0,1fr)}.owner-panel{order:-1}}
.panel{background:#fff;border:1px solid #e5e7eb;border-radius:10px;padding:10px 14px;margin:10px 0}.panel h2{font-size:16px;margin:2px 0 8px}.panel h3{font-size:15px;margin:12px 0 4px}
.owner-panel th{text-align:left;color:#64748b;font-weight:500;padding:2px 10px 2px 0;vertical-align:top}.owner-panel td{overflow-wrap:anywhere}.past{padding-left:18px;font-size:14px}
.thread{list-style:none;padding:0;margin:0}.msg{border-radius:10px;padding:6px 10px;margin:6px 0;max-width:92%;overflow-wrap:anywhere}
.msg.owner{background:#f1f5f9}.msg.bot{background:#ecfeff;margin-left:4%}.msg.staff{background:#dcfce7;margin-left:8%}.msg.note{background:#fef9c3;border:1px dashed #ca8a04;margin-left:8%}
.msg .meta{font-size:12px;color:#64748b}.msg .text{white-space:pre-wrap}.event{font-size:12px;color:#64748b;margin:4px 0 4px 8px}
.photo{max-width:220px;max-height:220px;border-radius:8px;display:block;margin-top:4px}.case-form{margin:6px 0}details.folded{margin:10px 0}details.folded summary{font-weight:600;cursor:pointer}.forms form.claim,.handover-ask form{display:inline-block}`;
