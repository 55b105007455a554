import Fastify from 'fastify';
import { createCaseDesk } from '../../bots/core/case-desk';
import { createAdminAccess } from '../../bots/http/admin-access';
import { registerDesk, type DeskDeps } from '../../bots/http/desk';
import type { createCoreHarness } from './core-harness';

/**
 * The web desk over a core harness's services, in English on Shanghai time, signed in as
 * `admin` with `headers`. `extra` adds or replaces desk dependencies (photos, for one).
 */
export function createDeskApp(h: ReturnType<typeof createCoreHarness>, extra: Partial<DeskDeps> = {}) {
  const token = 'desk-test-admin-token';
  const app = Fastify();
  registerDesk(app, {
    access: createAdminAccess({ adminToken: token, openOnLoopback: false, clock: h.clock }),
    wechatQrCode: () => undefined,
    tickets: h.tickets,
    caseDesk: createCaseDesk({
      tickets: h.tickets,
      outbox: h.outbox,
      recordCorrection: async () => undefined,
    }),
    owners: h.owners,
    clock: h.clock,
    logger: h.logger,
    language: 'en',
    timeZone: 'Asia/Shanghai',
    ...extra,
  });
  const headers = { authorization: `Basic ${Buffer.from(`admin:${token}`).toString('base64')}` };
  return { app, headers };
}
