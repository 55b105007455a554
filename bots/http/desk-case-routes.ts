import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { deskTexts } from '../../services/i18n/desk';
import { localize } from '../../services/i18n/text';
import { caseOwnerOf } from '../core/cases';
import { actionIdOf, runDeskAction } from './desk-actions';
import { type CaseForm, type FormState } from './desk-case-forms';
import { CASE_STYLE, casePageBody, threadList, type CaseFile } from './desk-case-page';
import { deskPageOf, type DeskDeps, type DeskPage, type DeskServices } from './desk-context';
import { QUEUE_STYLE } from './desk-queue';
import { sendPage } from './staff-pages';

const FORMS: readonly CaseForm[] = [
  'claim',
  'accept',
  'decline',
  'reply',
  'note',
  'resolve',
  'handover',
  'reclassify',
];

/** The case with its owner (as this page's language names them) and their other cases. */
async function caseFile(
  deps: DeskDeps,
  services: DeskServices,
  id: string,
  page: DeskPage,
): Promise<CaseFile | undefined> {
  const { tickets, caseDesk } = services;
  const ticket = await caseDesk.get(id).catch(() => undefined);
  if (!ticket) return undefined;
  const owner = deps.owners
    ? await caseOwnerOf(deps.owners, ticket, page.language)
    : { label: ticket.identityKey };
  const past = await tickets.history({
    ...(ticket.ownerId ? { ownerId: ticket.ownerId } : {}),
    identityKey: ticket.identityKey,
  });
  return {
    ticket,
    who: owner.label,
    ...(owner.owner ? { owner: owner.owner } : {}),
    ...(owner.identity ? { identity: owner.identity } : {}),
    past,
    photos: deps.attachments?.supports(ticket.address.channel) ?? false,
  };
}

/** The case view; after a refused form, with what was typed and what to fix. */
async function showCase(
  deps: DeskDeps,
  services: DeskServices,
  id: string,
  page: DeskPage,
  status = 200,
  state?: FormState,
) {
  const file = await caseFile(deps, services, id, page);
  if (!file) return page.reply.status(404).send({ error: 'not_found', message: 'No such case.' });
  const accounts = (await deps.accounts?.list()) ?? [];
  const body = casePageBody(file, {
    ...page,
    colleagues: accounts.map((a) => ({ id: `desk:${a.name}`, name: a.name })),
    canned: (await deps.canned?.list()) ?? [],
    ...(state ? { state } : {}),
  });
  return sendPage(
    page.reply,
    status,
    page.page(
      file.ticket.reference,
      `<style>${QUEUE_STYLE}${CASE_STYLE}</style>${body}`,
      'case',
      `/desk/cases/${id}`,
    ),
  );
}

const pageOf = (deps: DeskDeps, services: DeskServices, request: FastifyRequest, reply: FastifyReply) =>
  deskPageOf(deps, { deadlines: (t) => services.tickets.deadlines(t) }, request, reply);

/** The case view, its live thread, a case by reference, its forms and its photos. */
export function registerCaseRoutes(scope: FastifyInstance, deps: DeskDeps, services: DeskServices): void {
  const { tickets } = services;
  // The dashboard and the report name cases by reference; this opens the case.
  scope.get('/desk/ref/:reference', async (request, reply) => {
    const ticket = await tickets.getByReference((request.params as { reference: string }).reference);
    if (!ticket) return reply.status(404).send({ error: 'not_found', message: 'No such case.' });
    return reply.redirect(`/desk/cases/${String(ticket._id)}`, 303);
  });

  scope.get('/desk/cases/:id', async (request, reply) =>
    showCase(deps, services, (request.params as { id: string }).id, pageOf(deps, services, request, reply)),
  );

  scope.get('/desk/cases/:id/thread', async (request, reply) => {
    const page = pageOf(deps, services, request, reply);
    const file = await caseFile(deps, services, (request.params as { id: string }).id, page);
    if (!file) return reply.status(404).send({ error: 'not_found' });
    return sendPage(reply, 200, threadList(file, { ...page, colleagues: [], canned: [] }));
  });
  registerCaseForms(scope, deps, services);
  registerCasePhotos(scope, deps, services);
}

/** POST /desk/cases/:id/<form>: checked for forgery and repeats, run, then back to the view. */
function registerCaseForms(scope: FastifyInstance, deps: DeskDeps, services: DeskServices): void {
  const { caseDesk, feed } = services;
  scope.post('/desk/cases/:id/:form', async (request, reply) => {
    const { id, form } = request.params as { id: string; form: string };
    if (!FORMS.includes(form as CaseForm)) return reply.status(404).send({ error: 'not_found' });
    const page = pageOf(deps, services, request, reply);
    const values = (request.body ?? {}) as Record<string, string>;
    const audit = (outcome: string) =>
      deps.audit?.record({ actor: page.user.id, action: `desk.${form}`, target: id, outcome });
    if (!deps.access.allowsAction(request, page.user, values.csrf)) {
      await audit('refused:forged_form');
      return deps.access.refuseForgery(reply);
    }
    const actionId = actionIdOf(values, page.user);
    if (!actionId) {
      const state = {
        form: form as CaseForm,
        values,
        fieldErrors: {},
        error: localize(deskTexts.staleForm, page.language),
      };
      return showCase(deps, services, id, page, 400, state);
    }
    const outcome = await runDeskAction({
      caseDesk,
      ...(deps.accounts ? { accounts: deps.accounts } : {}),
      id,
      form: form as CaseForm,
      values,
      user: page.user,
      language: page.language,
      actionId,
    });
    await audit(outcome.ok ? 'ok' : `refused:${form}`);
    if (!outcome.ok) return showCase(deps, services, id, page, 422, outcome.state);
    feed.nudge();
    const back = (request.query as { back?: string }).back === 'queue' ? '/desk' : `/desk/cases/${id}`;
    return reply.redirect(back, 303);
  });
}

/** GET /desk/cases/:id/attachments/:message/:index: a photo of the case, from its channel. */
function registerCasePhotos(scope: FastifyInstance, deps: DeskDeps, services: DeskServices): void {
  const { caseDesk } = services;
  scope.get('/desk/cases/:id/attachments/:message/:index', async (request, reply) => {
    const { id, message, index } = request.params as { id: string; message: string; index: string };
    const ticket = await caseDesk.get(id).catch(() => undefined);
    const attachment = ticket?.messages[Number(message)]?.attachments[Number(index)];
    if (!ticket || !attachment || attachment.kind !== 'photo' || !deps.attachments)
      return reply.status(404).send({ error: 'not_found' });
    const photo = await deps.attachments.fetch(ticket.address.channel, attachment.reference);
    if (!photo || !/^image\/(jpeg|png|webp|gif)$/.test(photo.contentType))
      return reply.status(404).send({ error: 'not_found' });
    return reply
      .header('content-type', photo.contentType)
      .header('cache-control', 'private, max-age=3600')
      .send(photo.body);
  });
}
