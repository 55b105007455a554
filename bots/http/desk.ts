import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import QRCode from 'qrcode';

/**
 * The staff web desk at /desk, behind ADMIN_TOKEN (HTTP Basic: any user name, the token as
 * password, so a browser asks for it). For now it shows what staff need to bring channels
 * online: the WeChat login QR code.
 */
export function registerDesk(
  server: FastifyInstance,
  deps: { adminToken: string | undefined; wechatQrCode: () => string | undefined },
): void {
  const authorized = (request: FastifyRequest): boolean => {
    if (!deps.adminToken) return false;
    const header = request.headers.authorization ?? '';
    const match = /^Basic (.+)$/i.exec(header);
    if (!match) return false;
    const password = Buffer.from(match[1] as string, 'base64')
      .toString('utf8')
      .split(':')
      .slice(1)
      .join(':');
    const given = Buffer.from(password);
    const expected = Buffer.from(deps.adminToken);
    return given.length === expected.length && timingSafeEqual(given, expected);
  };

  const page = (reply: FastifyReply, status: number, body: string) =>
    reply
      .status(status)
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(
        `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Desk · 工作台</title>` +
          `<style>body{font:16px/1.5 -apple-system,"PingFang SC","Microsoft YaHei",sans-serif;max-width:640px;margin:40px auto;padding:0 16px;color:#1f2937}h1{color:#0f766e}svg{width:260px;height:260px}</style></head><body>${body}</body></html>`,
      );

  server.get('/desk', async (request, reply) => {
    if (!deps.adminToken) {
      return page(
        reply,
        503,
        '<h1>Desk · 工作台</h1><p>Set ADMIN_TOKEN to open the desk. 请先设置 ADMIN_TOKEN。</p>',
      );
    }
    if (!authorized(request)) {
      return reply
        .status(401)
        .header('www-authenticate', 'Basic realm="ownerbot desk"')
        .send({ error: 'unauthorized' });
    }
    const qrCode = deps.wechatQrCode();
    const wechat = qrCode
      ? `<h2>WeChat login · 微信登录</h2><p>Scan with the property account's phone. 请用物业账号的手机扫码。</p>${await QRCode.toString(qrCode, { type: 'svg', margin: 1 })}`
      : '<h2>WeChat · 微信</h2><p>No login QR code waiting (WeChat is off or already logged in). 当前无需扫码。</p>';
    return page(reply, 200, `<h1>Desk · 工作台</h1>${wechat}`);
  });
}
