import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ReachSummary } from '../../services/outreach/outreach-reach';
import type { Clock } from '../../services/clock';
import { deskTexts } from '../../services/i18n/desk';
import { localize, type Language } from '../../services/i18n/text';
import type { Logger } from '../../services/logging/logger';
import type { OwnerService } from '../../services/owners/owner-service';
import type { AuditLog } from '../../services/privacy/audit-log';
import type { CannedReplies } from '../../services/staff/canned-replies';
import type { StaffAccounts } from '../../services/staff/staff-accounts';
import type { TicketService } from '../../services/tickets/ticket-service';
import type { CaseDesk } from '../core/case-desk';
import { escapeHtml, type AdminAccess, type AdminUser } from './admin-access';
import type { DeskFeed } from './desk-feed';
import type { LockService } from './desk-locks';
import type { CardContext } from './desk-queue';
import { otherLanguageHref, pageLanguage, staffPage } from './staff-pages';

/** Where a photo a owner sent can be fetched from (the channel's own file API), if anywhere. */
export interface AttachmentSource {
  /** Whether photos of this channel can be shown. */
  supports(channel: string): boolean;
  /** The photo's bytes and type; undefined when the platform no longer has it. */
  fetch(channel: string, reference: string): Promise<{ contentType: string; body: Buffer } | undefined>;
}

export interface DeskDeps {
  /** Who may use the desk (shared with the dashboard). */
  access: AdminAccess;
  wechatQrCode: () => string | undefined;
  /** Absent in tests of the sign-in alone. */
  tickets?: TicketService;
  caseDesk?: CaseDesk;
  owners?: Pick<OwnerService, 'identityByKey' | 'ownerOf'> & Partial<LockService>;
  /** The colleague directory for hand-overs: the named desk accounts. */
  accounts?: StaffAccounts;
  canned?: CannedReplies;
  /** Every desk action is recorded here (refused forgeries too); case changes also go to the case history. */
  audit?: AuditLog;
  attachments?: AttachmentSource;
  /** Outreach that reached nobody lately, per purpose, with the reasons. */
  outreachNotReached?: () => Promise<Record<string, ReachSummary>>;
  clock?: Clock;
  logger?: Logger;
  /** STAFF_LANGUAGE: the desk's language until staff switch. */
  language?: Language;
  /** BOT_TIMEZONE: every time on the desk. */
  timeZone?: string;
}

/** What every desk page needs: who, in which language, when, and the forms' hidden fields. */
export interface DeskPage extends CardContext {
  request: FastifyRequest;
  reply: FastifyReply;
  /** The page around `body`; `path` is where the language switch leads (the view itself after a post). */
  page: (
    title: string,
    body: string,
    on: 'queue' | 'done' | 'canned' | 'locks' | 'case',
    path?: string,
  ) => string;
}

/** The page context of one request to the desk. */
export function deskPageOf(
  deps: DeskDeps,
  feedless: { deadlines: CardContext['deadlines'] },
  request: FastifyRequest,
  reply: FastifyReply,
): DeskPage {
  const user = deps.access.userOf(request) as AdminUser;
  const language = pageLanguage(request, reply, deps.language ?? 'zh');
  const csrf = `<input type="hidden" name="csrf" value="${escapeHtml(deps.access.csrfTokenFor(user))}">`;
  const t = (key: keyof typeof deskTexts) => localize(deskTexts[key], language);
  return {
    request,
    reply,
    language,
    user,
    timeZone: deps.timeZone ?? 'Asia/Shanghai',
    now: (deps.clock ?? { now: () => new Date() }).now(),
    deadlines: feedless.deadlines,
    formFields: () => `${csrf}<input type="hidden" name="once" value="${randomUUID()}">`,
    page: (title, body, on, path) =>
      staffPage({
        title: `${title} · ${t('title')}`,
        language,
        user: localize(deskTexts.signedInAs, language, { name: user.name }),
        switchHref: path
          ? `${path}?lang=${language === 'zh' ? 'en' : 'zh'}`
          : otherLanguageHref(request, language),
        nav: [
          { href: '/desk', label: t('queue'), on: on === 'queue' },
          { href: '/desk?view=done', label: t('done'), on: on === 'done' },
          { href: '/desk/canned', label: t('canned'), on: on === 'canned' },
          { href: '/desk/locks', label: t('locks'), on: on === 'locks' },
          { href: '/dashboard', label: t('dashboard') },
        ],
        body,
        scripts: ['/desk.js'],
      }),
  };
}

/** The desk's live parts, present once the app's services are. */
export interface DeskServices {
  tickets: TicketService;
  caseDesk: CaseDesk;
  feed: DeskFeed;
}
