import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import { notReachedSection } from './desk-not-reached';
import { DomainError } from '../../services/errors';
import { deskTexts } from '../../services/i18n/desk';
import { localize } from '../../services/i18n/text';
import { periodKeys } from '../../services/tickets/ticket-model';
import { CANNED_STYLE, cannedPageBody } from './desk-canned';
import { registerCaseRoutes } from './desk-case-routes';
import { registerLockRoutes, type LockService } from './desk-locks';
import { deskPageOf, type DeskDeps, type DeskPage, type DeskServices } from './desk-context';
import { createDeskFeed, type DeskCase } from './desk-feed';
import {
  filterBar,
  filterCases,
  queueFilterOf,
  queueList,
  QUEUE_STYLE,
  type QueueFilter,
} from './desk-queue';
import { DESK_SCRIPT } from './desk-script';
import { startEventStream } from './event-stream-response';
import { htmlText, sendPage } from './staff-pages';

export type { AttachmentSource, DeskDeps } from './desk-context';

/** An idle event stream gets a comment line this often, so proxies keep it open. */
const KEEP_ALIVE_MS = 25_000;

/**
 * The staff web desk at /desk, for companies without Slack and next to it: the live queue
 * (mine, unassigned, all, escalated; search; the finished cases apart), each case with its
 * owner, whole thread and the forms that fit its state, canned replies, and the WeChat login
 * QR code. Staff sign in with their own account (or `admin` with ADMIN_TOKEN); every action is
 * recorded as `desk:<name>`. Without ADMIN_TOKEN in embedded mode it opens to loopback only.
 */
export function registerDesk(server: FastifyInstance, deps: DeskDeps): void {
  const services = servicesOf(deps);
  server.register(async (scope) => {
    scope.addHook('preHandler', deps.access.requireSignIn('Desk · 工作台', 'ownerbot desk'));
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string' },
      (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
    );
    scope.get('/desk.js', async (_request, reply) =>
      reply
        .header('content-type', 'text/javascript; charset=utf-8')
        .header('cache-control', 'no-cache')
        .send(DESK_SCRIPT),
    );
    registerQueueRoutes(scope, deps, services);
    if (services) {
      registerCaseRoutes(scope, deps, services);
      registerEvents(scope, server, services);
    }
    registerCannedRoutes(scope, deps);
    const locks = lockServiceOf(deps);
    if (locks)
      registerLockRoutes(scope, deps, locks, (request, reply) => pageOf(deps, services, request, reply));
  });
}

function lockServiceOf(deps: DeskDeps): LockService | undefined {
  const { bindingLocks, liftBindingLock, liftBindingLockForUnit, liftBindingLockForIdentity } =
    deps.owners ?? {};
  if (!bindingLocks || !liftBindingLock || !liftBindingLockForUnit || !liftBindingLockForIdentity)
    return undefined;
  return { bindingLocks, liftBindingLock, liftBindingLockForUnit, liftBindingLockForIdentity };
}

function servicesOf(deps: DeskDeps): DeskServices | undefined {
  if (!deps.tickets || !deps.caseDesk || !deps.owners || !deps.clock || !deps.logger) return undefined;
  const feed = createDeskFeed({
    tickets: deps.tickets,
    owners: deps.owners,
    clock: deps.clock,
    logger: deps.logger,
  });
  return { tickets: deps.tickets, caseDesk: deps.caseDesk, feed };
}

const pageOf = (
  deps: DeskDeps,
  services: DeskServices | undefined,
  request: FastifyRequest,
  reply: FastifyReply,
) =>
  deskPageOf(
    deps,
    {
      deadlines: (t) =>
        services?.tickets.deadlines(t) ?? { acknowledgeBy: t.createdAt, resolveBy: t.createdAt },
    },
    request,
    reply,
  );

/** The cases of a list: the open ones from the live feed, the finished ones of this and last quarter. */
async function casesFor(
  services: DeskServices | undefined,
  filter: QueueFilter,
  page: DeskPage,
): Promise<DeskCase[]> {
  if (!services) return [];
  if (filter.view !== 'done') return services.feed.cases();
  const { quarter } = periodKeys(page.now, page.timeZone);
  const [year, q] = [Number(quarter.slice(0, 4)), Number(quarter.slice(5))];
  const previous = q === 1 ? `${year - 1}Q4` : `${year}Q${q - 1}`;
  return services.feed.describe(await services.tickets.settled([quarter, previous]));
}

function registerQueueRoutes(
  scope: FastifyInstance,
  deps: DeskDeps,
  services: DeskServices | undefined,
): void {
  scope.get('/desk', async (request, reply) => {
    const page = pageOf(deps, services, request, reply);
    const filter = queueFilterOf(request.query);
    const t = htmlText(deskTexts, page.language);
    const cases = filterCases(await casesFor(services, filter, page), filter, page.user);
    const qrCode = deps.wechatQrCode();
    const wechat = qrCode
      ? `<details open class="wechat"><summary>${t('wechatLogin')}</summary><p class="muted">${t('wechatScan')}</p>${await QRCode.toString(qrCode, { type: 'svg', margin: 1 })}</details>`
      : '';
    const notReached = deps.outreachNotReached
      ? notReachedSection(await deps.outreachNotReached(), page.language)
      : '';
    const body = `<style>${QUEUE_STYLE}.wechat svg{width:200px;height:200px}</style>${wechat}${notReached}${filterBar(filter, page.language)}<div id="queue">${queueList(cases, page)}</div>`;
    const title = localize(filter.view === 'done' ? deskTexts.done : deskTexts.queue, page.language);
    return sendPage(reply, 200, page.page(title, body, filter.view === 'done' ? 'done' : 'queue'));
  });

  scope.get('/desk/queue', async (request, reply) => {
    const page = pageOf(deps, services, request, reply);
    const filter = queueFilterOf(request.query);
    return sendPage(
      reply,
      200,
      queueList(filterCases(await casesFor(services, filter, page), filter, page.user), page),
    );
  });
}

/** One event stream per open desk page, fed by the instance's single poll loop. */
function registerEvents(scope: FastifyInstance, server: FastifyInstance, services: DeskServices): void {
  const open = new Set<FastifyReply>();
  server.addHook('preClose', async () => {
    services.feed.stop();
    for (const reply of open) reply.raw.end();
  });
  scope.get('/desk/events', async (request, reply) => {
    startEventStream(reply);
    open.add(reply);
    const unsubscribe = services.feed.subscribe((change) =>
      reply.raw.write(`event: queue\ndata: ${JSON.stringify(change)}\n\n`),
    );
    const keepAlive = setInterval(() => reply.raw.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
    keepAlive.unref();
    request.raw.on('close', () => {
      clearInterval(keepAlive);
      unsubscribe();
      open.delete(reply);
    });
  });
}

function registerCannedRoutes(scope: FastifyInstance, deps: DeskDeps): void {
  const canned = deps.canned;
  if (!canned) return;
  const show = async (request: FastifyRequest, reply: FastifyReply, status = 200, error?: string) => {
    const page = pageOf(deps, undefined, request, reply);
    const body = cannedPageBody(await canned.list(), { ...page, ...(error ? { error } : {}) });
    return sendPage(
      reply,
      status,
      page.page(
        localize(deskTexts.canned, page.language),
        `<style>${CANNED_STYLE}</style>${body}`,
        'canned',
        '/desk/canned',
      ),
    );
  };
  const checked = (request: FastifyRequest, reply: FastifyReply) => {
    const page = pageOf(deps, undefined, request, reply);
    const form = (request.body ?? {}) as Record<string, string>;
    return deps.access.allowsAction(request, page.user, form.csrf) ? { page, form } : undefined;
  };
  scope.get('/desk/canned', (request, reply) => show(request, reply));
  scope.post('/desk/canned', async (request, reply) => {
    const ok = checked(request, reply);
    if (!ok) return deps.access.refuseForgery(reply);
    try {
      const { id, title = '', zh = '', en = '' } = ok.form;
      await canned.save({ ...(id ? { id } : {}), title, zh, en }, ok.page.user.id);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return show(request, reply, 422, localize(deskTexts.cannedNeedsText, ok.page.language));
    }
    return reply.redirect('/desk/canned', 303);
  });
  scope.post('/desk/canned/:id/delete', async (request, reply) => {
    if (!checked(request, reply)) return deps.access.refuseForgery(reply);
    await canned.remove((request.params as { id: string }).id);
    return reply.redirect('/desk/canned', 303);
  });
}
