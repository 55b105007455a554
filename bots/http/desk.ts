import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import { DomainError } from '../../services/errors';
import type { TicketRecord } from '../../services/tickets/ticket-model';
import type { Staff, TicketService } from '../../services/tickets/ticket-service';
import type { CaseDesk } from '../core/case-desk';
import type { AuditLog } from '../../services/privacy/audit-log';
import { maskPhonesInText } from '../../services/privacy/phone-mask';
import { escapeHtml, type AdminAccess, type AdminUser } from './admin-access';

export interface DeskDeps {
  /** Who may use the desk (shared with the dashboard). */
  access: AdminAccess;
  wechatQrCode: () => string | undefined;
  /** Absent in tests of the login page alone. */
  tickets?: TicketService;
  caseDesk?: CaseDesk;
  /** Every desk action is recorded here (refused forgeries too); case changes also go to the case history. */
  audit?: AuditLog;
}

const STATUS: Record<string, string> = {
  new: '新 new',
  claimed: '已认领 claimed',
  in_progress: '处理中 in progress',
  resolved: '已处理 resolved',
  return_visit: '回访 return visit',
  reopened: '重开 reopened',
};

const STYLE = `body{font:15px/1.5 -apple-system,"PingFang SC","Microsoft YaHei",sans-serif;max-width:980px;margin:24px auto;padding:0 16px;color:#1f2937}
h1{color:#0f766e;margin-bottom:4px}.case{border:1px solid #e5e7eb;border-radius:10px;padding:12px 14px;margin:12px 0;background:#fff}
.urgent{border-color:#dc2626;box-shadow:0 0 0 2px #fee2e2}.meta{color:#6b7280;font-size:13px}.ref{font-weight:600}
form{display:inline-block;margin:6px 8px 0 0}input,textarea{font:inherit;border:1px solid #d1d5db;border-radius:6px;padding:4px 8px}
textarea{width:260px;height:34px;vertical-align:middle}button{font:inherit;background:#0f766e;color:#fff;border:0;border-radius:6px;padding:4px 12px;cursor:pointer}
.error{background:#fee2e2;color:#991b1b;padding:8px 12px;border-radius:8px}svg{width:220px;height:220px}details{margin-top:6px}`;

/**
 * The staff web desk at /desk, for companies without Slack and as a fallback: the case
 * queue with claim, reply and resolve (complaints need their summary), and the WeChat login
 * QR code. Staff sign in with their own account (or `admin` with ADMIN_TOKEN); every action is
 * recorded as `desk:<name>`. Without ADMIN_TOKEN in embedded mode it opens to loopback only, so
 * `npm start` can be tried on one machine.
 */
export function registerDesk(server: FastifyInstance, deps: DeskDeps): void {
  const { access } = deps;
  const staffOf = (request: FastifyRequest): AdminUser => access.userOf(request) as AdminUser;

  const page = (reply: FastifyReply, status: number, body: string) =>
    reply
      .status(status)
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(
        `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Desk · 工作台</title><style>${STYLE}</style></head><body>${body}</body></html>`,
      );

  function caseCard(ticket: TicketRecord, staff: Staff): string {
    const csrf = `<input type="hidden" name="csrf" value="${escapeHtml(access.csrfTokenFor(staff))}">`;
    const id = String(ticket._id);
    const complaint = ticket.kind === 'complaint' || ticket.intent === 'dissatisfaction';
    const words = ticket.messages
      .map(
        (m) =>
          `<div><span class="meta">${m.from === 'owner' ? '业主 owner' : '员工 staff'}:</span> ${escapeHtml(maskPhonesInText(m.text))}</div>`,
      )
      .join('');
    const actions: string[] = [];
    if (ticket.status === 'new' || ticket.status === 'reopened') {
      actions.push(
        `<form method="post" action="/desk/cases/${id}/claim">${csrf}<button>认领 Claim</button></form>`,
      );
    }
    if (['claimed', 'in_progress', 'reopened'].includes(ticket.status)) {
      actions.push(
        `<form method="post" action="/desk/cases/${id}/reply">${csrf}<textarea name="text" aria-label="reply" placeholder="回复业主 Reply to the owner"></textarea> <button>发送 Send</button></form>`,
        `<details><summary>办结 Resolve</summary><form method="post" action="/desk/cases/${id}/resolve">${csrf}` +
          `<textarea name="resolution" aria-label="resolution" placeholder="处理结果 What was done"></textarea>` +
          (complaint
            ? ` <textarea name="rootCause" aria-label="root cause" placeholder="原因 Root cause"></textarea> <textarea name="correctiveAction" aria-label="corrective action" placeholder="纠正措施 Corrective action"></textarea> <textarea name="preventiveAction" aria-label="preventive action" placeholder="预防措施 Preventive action"></textarea>`
            : '') +
          ` <button>办结 Resolve</button></form></details>`,
      );
    }
    return `<div class="case${ticket.priority === 'urgent' ? ' urgent' : ''}"><div><span class="ref">${escapeHtml(ticket.reference)}</span> · ${escapeHtml(STATUS[ticket.status] ?? ticket.status)}${ticket.assigneeName ? ` · ${escapeHtml(ticket.assigneeName)}` : ''}</div>
<div class="meta">${escapeHtml(ticket.kind)} · ${escapeHtml(ticket.category)} · ${escapeHtml(ticket.address.channel)} · ${ticket.verified ? '已验证 verified' : '未验证 unverified'} · ${ticket.createdAt.toISOString().slice(0, 16).replace('T', ' ')} UTC</div>${words}${actions.join('')}</div>`;
  }

  server.register(async (scope) => {
    scope.addHook('preHandler', access.requireSignIn('Desk · 工作台', 'ownerbot desk'));
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string' },
      (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
    );

    scope.get('/desk', async (request, reply) => {
      const staff = staffOf(request);
      const error = (request.query as { error?: string }).error;
      const qrCode = deps.wechatQrCode();
      const wechat = qrCode
        ? `<h2>WeChat login · 微信登录</h2><p>Scan with the property account's phone. 请用物业账号的手机扫码。</p>${await QRCode.toString(qrCode, { type: 'svg', margin: 1 })}`
        : '';
      const queue = deps.tickets ? await deps.tickets.queue() : [];
      const cases = queue.length
        ? queue.map((ticket) => caseCard(ticket, staff)).join('')
        : '<p>没有待处理的工单。No open cases.</p>';
      return page(
        reply,
        200,
        `<h1>Desk · 工作台</h1><div class="meta">${escapeHtml(staff.name)}</div>${error ? `<p class="error">${escapeHtml(error)}</p>` : ''}${wechat}<h2>Cases · 工单</h2>${cases}`,
      );
    });

    const action = (name: 'claim' | 'reply' | 'resolve') =>
      scope.post(`/desk/cases/:id/${name}`, async (request, reply) => {
        const staff = staffOf(request);
        if (!deps.caseDesk) return reply.status(503).send({ error: 'not_ready' });
        const { id } = request.params as { id: string };
        const form = (request.body ?? {}) as Record<string, string>;
        const audit = (outcome: string) =>
          deps.audit?.record({ actor: staff.id, action: `desk.${name}`, target: id, outcome });
        if (!access.allowsAction(request, staff, form.csrf)) {
          await audit('refused:forged_form');
          return access.refuseForgery(reply);
        }
        try {
          if (name === 'claim') await deps.caseDesk.claim(id, staff);
          if (name === 'reply') {
            const text = (form.text ?? '').trim();
            if (!text) throw new DomainError('empty_reply', 'Write a reply first. 请先填写回复。');
            await deps.caseDesk.reply(id, staff, text, `desk:${id}:${Date.now()}`);
          }
          if (name === 'resolve') {
            await deps.caseDesk.resolve(id, staff, {
              result: form.resolution ?? '',
              summary: {
                rootCause: form.rootCause ?? '',
                correctiveAction: form.correctiveAction ?? '',
                preventiveAction: form.preventiveAction ?? '',
              },
            });
          }
          await audit('ok');
          return reply.redirect('/desk', 303);
        } catch (error) {
          await audit(`failed:${(error as { code?: string }).code ?? 'error'}`);
          if (error instanceof DomainError)
            return reply.redirect(`/desk?error=${encodeURIComponent(error.message)}`, 303);
          throw error;
        }
      });
    action('claim');
    action('reply');
    action('resolve');
  });
}
