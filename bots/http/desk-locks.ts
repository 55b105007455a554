import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../services/errors';
import { deskTexts } from '../../services/i18n/desk';
import { localize, type Language } from '../../services/i18n/text';
import { localDateTime } from '../../services/i18n/time';
import type { GuardLock } from '../../services/owners/binding-guard';
import type { LiftReport } from '../../services/owners/binding-locks';
import type { OwnerService } from '../../services/owners/owner-service';
import { escapeHtml } from './admin-access';
import type { DeskDeps, DeskPage } from './desk-context';
import { htmlText, sendPage } from './staff-pages';

/** What the lock page needs of the owner service. */
export type LockService = Pick<
  OwnerService,
  'bindingLocks' | 'liftBindingLock' | 'liftBindingLockForUnit' | 'liftBindingLockForIdentity'
>;

const LOCKS_STYLE = `form.inline{display:inline}.locks li{margin:6px 0}.notice{background:#ecfdf5;border:1px solid #a7f3d0;border-radius:6px;padding:6px 10px}`;

/** One paused unit or address with its Lift button. */
function lockRow(lock: GuardLock, page: DeskPage): string {
  const t = htmlText(deskTexts, page.language);
  const what = lock.scope === 'unit' ? t('lockUnit') : t('lockAddress');
  const until = localDateTime(lock.until, page.timeZone);
  const state = t(lock.kind === 'locked' ? 'lockLocked' : 'lockWaiting', { time: until });
  return `<li><b>${what}</b> ${escapeHtml(lock.key.replace(/^(unit|address):/, ''))} · ${state} · ${t('lockFailures', { count: lock.failures })} <form method="post" action="/desk/locks/unlock" class="inline">${page.formFields()}<input type="hidden" name="key" value="${escapeHtml(lock.key)}"><button class="secondary">${t('unlock')}</button></form></li>`;
}

/** The lock page: what is paused now, each with Lift, and a form to lift a unit by its number. */
export function locksPageBody(locks: GuardLock[], page: DeskPage, notice?: string): string {
  const t = htmlText(deskTexts, page.language);
  const shown = notice ? `<p class="notice" role="status">${escapeHtml(notice)}</p>` : '';
  const list = locks.length
    ? `<ul class="locks">${locks.map((lock) => lockRow(lock, page)).join('')}</ul>`
    : `<p class="muted">${t('locksNone')}</p>`;
  const byUnit = `<form method="post" action="/desk/locks/unlock">${page.formFields()}<label>${t('unlockUnitLabel')} <input name="unit" required maxlength="20" aria-label="${t('unlockUnitLabel')}"></label> <button>${t('unlock')}</button></form>`;
  return `<style>${LOCKS_STYLE}</style><h2>${t('locks')}</h2><p class="muted">${t('locksIntro')}</p>${shown}${list}${byUnit}`;
}

/** The "Lift" button on a case's owner panel, shown while the owner's own binding is locked. */
export function identityUnlockForm(
  identityKey: string,
  page: Pick<DeskPage, 'language' | 'formFields'>,
): string {
  const t = htmlText(deskTexts, page.language);
  return `<form method="post" action="/desk/locks/unlock">${page.formFields()}<input type="hidden" name="identity" value="${escapeHtml(identityKey)}"><p class="error">${t('bindingLocked')} <button class="secondary">${t('unlockIdentity')}</button></p></form>`;
}

/** What a lift did, in the staff member's language. */
function liftNotice(report: LiftReport, language: Language): string {
  if (!report.found) return localize(deskTexts.unlockUnknown, language);
  const what = report.target.replace(/^(unit|address):/, '');
  return report.lifted.length > 0
    ? localize(deskTexts.unlocked, language, { what: `${what} (${report.lifted.join(', ')})` })
    : localize(deskTexts.unlockedNothing, language, { what });
}

/** Lifts by the one field the form sent: a listed counter key, a unit number or an identity key. */
async function lift(locks: LockService, form: Record<string, string>, actor: string): Promise<LiftReport> {
  if (typeof form.key === 'string' && form.key) return locks.liftBindingLock(form.key, actor);
  if (typeof form.identity === 'string' && form.identity)
    return locks.liftBindingLockForIdentity(form.identity, actor);
  return locks.liftBindingLockForUnit(String(form.unit ?? ''), actor);
}

/**
 * `/desk/locks`: binding lock-outs listed and lifted by signed-in staff (CSRF-checked, audited
 * as `desk:<name>`), the desk's side of `ownerbot owners unlock`.
 */
export function registerLockRoutes(
  scope: FastifyInstance,
  deps: DeskDeps,
  locks: LockService,
  pageOf: (request: FastifyRequest, reply: FastifyReply) => DeskPage,
): void {
  const show = async (request: FastifyRequest, reply: FastifyReply, status: number, notice?: string) => {
    const page = pageOf(request, reply);
    const body = locksPageBody(await locks.bindingLocks(), page, notice);
    const title = localize(deskTexts.locks, page.language);
    return sendPage(reply, status, page.page(title, body, 'locks', '/desk/locks'));
  };
  scope.get('/desk/locks', (request, reply) => show(request, reply, 200));
  scope.post('/desk/locks/unlock', async (request, reply) => {
    const page = pageOf(request, reply);
    const form = (request.body ?? {}) as Record<string, string>;
    if (!deps.access.allowsAction(request, page.user, form.csrf)) return deps.access.refuseForgery(reply);
    try {
      const report = await lift(locks, form, page.user.id);
      return show(request, reply, report.found ? 200 : 404, liftNotice(report, page.language));
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return show(request, reply, 422, localize(deskTexts.unlockUnknown, page.language));
    }
  });
}
