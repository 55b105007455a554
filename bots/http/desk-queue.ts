import { deskTexts } from '../../services/i18n/desk';
import { label } from '../../services/i18n/labels';
import type { Language } from '../../services/i18n/text';
import { localClock, localDateTime } from '../../services/i18n/time';
import { maskPhonesInText } from '../../services/privacy/phone-mask';
import type { TicketRecord } from '../../services/tickets/ticket-model';
import { escapeHtml, type AdminUser } from './admin-access';
import type { DeskCase } from './desk-feed';
import { htmlText } from './staff-pages';

/** The desk's lists: the open queue by who holds it, the escalated ones, and the finished ones. */
export const QUEUE_VIEWS = ['all', 'mine', 'unassigned', 'escalated', 'done'] as const;
export type QueueView = (typeof QUEUE_VIEWS)[number];

export interface QueueFilter {
  view: QueueView;
  /** Words to find in the reference, the owner's name, the unit or the case's text. */
  q: string;
}

const ACTIVE = new Set(['new', 'claimed', 'in_progress', 'reopened']);

/** The filter a request asks for (unknown values fall back to the whole queue). */
export function queueFilterOf(query: unknown): QueueFilter {
  const { view, q } = (query ?? {}) as { view?: unknown; q?: unknown };
  return {
    view: QUEUE_VIEWS.includes(view as QueueView) ? (view as QueueView) : 'all',
    q: typeof q === 'string' ? q.trim().slice(0, 100) : '',
  };
}

const searchable = (c: DeskCase) =>
  [
    c.ticket.reference,
    c.who.zh,
    c.who.en,
    c.ownerName,
    `${c.ticket.building}${c.ticket.unit}`,
    `${c.ticket.building}-${c.ticket.unit}`,
    c.ticket.title,
    ...c.ticket.messages.map((m) => m.text),
  ]
    .join('\n')
    .toLowerCase();

/** The cases of one list for one person, urgent first as the queue keeps them. */
export function filterCases(cases: DeskCase[], filter: QueueFilter, user: AdminUser): DeskCase[] {
  const words = filter.q.toLowerCase().split(/\s+/).filter(Boolean);
  return cases
    .filter(({ ticket }) => {
      if (filter.view !== 'done' && !ACTIVE.has(ticket.status)) return false;
      if (filter.view === 'mine' && ticket.assignee !== user.id && ticket.pendingHandover?.to !== user.id)
        return false;
      if (filter.view === 'unassigned' && ticket.assignee) return false;
      if (filter.view === 'escalated' && ticket.escalationLevel < 1) return false;
      return true;
    })
    .filter((c) => words.length === 0 || words.every((word) => searchable(c).includes(word)));
}

/** What a card needs besides the case: who looks, the time, the deadlines, the forms' tokens. */
export interface CardContext {
  language: Language;
  user: AdminUser;
  timeZone: string;
  now: Date;
  deadlines: (ticket: TicketRecord) => { acknowledgeBy: Date; resolveBy: Date };
  /** The hidden fields every form carries: the CSRF token and a one-time action id. */
  formFields: () => string;
}

/** The deadline that matters now (acknowledge until claimed, then resolve) and whether it passed. */
export function slaOf(ticket: TicketRecord, context: Pick<CardContext, 'deadlines' | 'now'>) {
  const deadlines = context.deadlines(ticket);
  const acknowledging = ticket.acknowledgedAt === null;
  const due = acknowledging ? deadlines.acknowledgeBy : deadlines.resolveBy;
  return { acknowledging, due, breached: ticket.escalationLevel >= 1 || due <= context.now };
}

/** The live countdown the page script keeps ticking; the server's text is right at render time. */
export function countdown(ticket: TicketRecord, context: CardContext): string {
  if (!ACTIVE.has(ticket.status)) return '';
  const t = htmlText(deskTexts, context.language);
  const { acknowledging, due, breached } = slaOf(ticket, context);
  const badge = breached
    ? `<span class="badge breach">${ticket.escalationLevel >= 1 ? t('escalatedLevel', { level: ticket.escalationLevel }) : t('breached')}</span>`
    : '';
  return `<span class="sla${breached ? ' late' : ''}" data-deadline="${due.toISOString()}" data-left="${t('left', { time: '{time}' })}" data-overdue="${t('overdue', { time: '{time}' })}" data-days="${t('days', { days: '{days}', hours: '{hours}' })}">${t(acknowledging ? 'ackBy' : 'resolveBy')} ${escapeHtml(localClock(due, context.timeZone, context.now))}</span>${badge}`;
}

function cardActions(ticket: TicketRecord, context: CardContext): string {
  const t = htmlText(deskTexts, context.language);
  const id = String(ticket._id);
  const mayClaim =
    (ticket.status === 'new' || ticket.status === 'reopened') &&
    (!ticket.assignee || ticket.assignee === context.user.id || context.user.supervisor);
  const claim = mayClaim
    ? `<form method="post" action="/desk/cases/${id}/claim?back=queue">${context.formFields()}<button>${t('claim')}</button></form>`
    : '';
  const handover =
    ticket.pendingHandover?.to === context.user.id
      ? `<form method="post" action="/desk/cases/${id}/accept?back=queue">${context.formFields()}<button>${t('accept')}</button></form>`
      : '';
  return `<div class="actions">${claim}${handover}<a class="button secondary" href="/desk/cases/${id}">${t('open')}</a></div>`;
}

/** One case on the queue: reference, kind, state, who and where, their words, the clock, the buttons that fit. */
export function caseCard(c: DeskCase, context: CardContext): string {
  const { ticket } = c;
  const { language } = context;
  const t = htmlText(deskTexts, language);
  const kind = label(ticket.emergencyKind || ticket.kind, language);
  const holder = ticket.assignee ? ` · ${t('heldBy', { name: ticket.assigneeName || ticket.assignee })}` : '';
  const waiting = ticket.pendingHandover
    ? ` · ${t('handoverWaiting', { name: ticket.pendingHandover.toName })}`
    : '';
  const classes = [
    'case',
    ticket.priority,
    ...(slaOf(ticket, context).breached && ACTIVE.has(ticket.status) ? ['late'] : []),
  ];
  return `<article class="${classes.join(' ')}" data-id="${String(ticket._id)}"><div class="line1"><a class="ref" href="/desk/cases/${String(ticket._id)}">${escapeHtml(ticket.reference)}</a> <span class="badge">${escapeHtml(kind)}</span> <span class="badge">${escapeHtml(label(ticket.category, language))}</span> <span class="badge status">${escapeHtml(label(ticket.status, language))}</span> ${countdown(ticket, context)}</div>
<div class="owner">${escapeHtml(c.who[language])} · ${escapeHtml(label(ticket.address.channel, language))}</div><div class="words">${escapeHtml(maskPhonesInText(ticket.title))}</div>
<div class="muted">${t('opened', { time: localDateTime(ticket.createdAt, context.timeZone) })}${holder}${waiting}</div>${cardActions(ticket, context)}</article>`;
}

/** The list part of the queue page (also served alone, for the live refresh). */
export function queueList(cases: DeskCase[], context: CardContext): string {
  if (cases.length === 0) return `<p class="muted">${htmlText(deskTexts, context.language)('noCases')}</p>`;
  return cases.map((c) => caseCard(c, context)).join('');
}

/** The filter bar: the lists and the search box, keeping each other's choice. */
export function filterBar(filter: QueueFilter, language: Language): string {
  const t = htmlText(deskTexts, language);
  const href = (view: QueueView) =>
    `/desk?view=${view}${filter.q ? `&q=${encodeURIComponent(filter.q)}` : ''}`;
  const tabs = QUEUE_VIEWS.map(
    (view) =>
      `<a href="${escapeHtml(href(view))}"${view === filter.view ? ' class="on"' : ''}>${t(view === 'all' ? 'all' : view)}</a>`,
  ).join('');
  return `<div class="filters"><nav class="tabs">${tabs}</nav><form method="get" action="/desk" class="search"><input type="hidden" name="view" value="${filter.view}"><input type="search" name="q" value="${escapeHtml(filter.q)}" placeholder="${t('search')}" aria-label="${t('search')}"><button class="secondary">${t('searchButton')}</button></form><span id="live" class="muted" data-live="${t('live')}" data-offline="${t('offline')}"></span></div>`;
}

export const QUEUE_STYLE = `.filters{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin:8px 0}.tabs{display:flex;flex-wrap:wrap;gap:4px}
.tabs a{padding:3px 10px;border-radius:14px;background:#e2e8f0;color:#0f172a;text-decoration:none;font-size:14px}.tabs a.on{background:#0f4c5c;color:#fff}
.search{display:flex;gap:4px;flex:1;min-width:220px}.search input{flex:1;min-width:0}
.case{background:#fff;border:1px solid #e5e7eb;border-left:5px solid #94a3b8;border-radius:10px;padding:10px 12px;margin:10px 0}
.case.urgent{border-left-color:#b91c1c}.case.high{border-left-color:#d97706}.case.late{box-shadow:0 0 0 2px #fecaca}
.ref{font-weight:700;color:#0f4c5c}.badge{display:inline-block;font-size:12px;padding:1px 7px;border-radius:10px;background:#f1f5f9;margin:1px 0}
.badge.status{background:#e0f2fe}.badge.breach{background:#b91c1c;color:#fff;font-weight:600}
.sla{font-size:13px;font-weight:600;color:#0f766e;margin:0 6px 0 4px}.sla.late{color:#b91c1c}.words{margin:4px 0;overflow-wrap:anywhere}
.owner{font-size:14px;color:#334155}.actions{display:flex;flex-wrap:wrap;gap:6px;margin-top:6px}.actions form{margin:0}`;
