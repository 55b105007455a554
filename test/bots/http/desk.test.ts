import Fastify from 'fastify';
import { createAdminAccess } from '../../../bots/http/admin-access';
import { registerDesk } from '../../../bots/http/desk';
import { systemClock } from '../../../services/clock';

const token = 'a-long-admin-token-123';
const basic = (password: string) => `Basic ${Buffer.from(`admin:${password}`).toString('base64')}`;

function server(adminToken: string | undefined, qrCode?: string) {
  const app = Fastify();
  const access = createAdminAccess({ adminToken, openOnLoopback: false, clock: systemClock });
  registerDesk(app, { access, wechatQrCode: () => qrCode });
  return app;
}

describe('/desk', () => {
  it('when ADMIN_TOKEN is not set, then the desk says how to enable it', async () => {
    const response = await server(undefined).inject({ url: '/desk' });
    expect(response.statusCode).toBe(503);
    expect(response.body).toContain('Set ADMIN_TOKEN');
  });

  it('when the token is missing or wrong, then 401 asking for credentials', async () => {
    const app = server(token, 'https://login.weixin.qq.com/l/abc');
    expect((await app.inject({ url: '/desk' })).statusCode).toBe(401);
    const wrong = await app.inject({ url: '/desk', headers: { authorization: basic('nope') } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.headers['www-authenticate']).toContain('Basic');
  });

  it('when staff open it with the token, then the WeChat login QR code is drawn in the chosen language, which is remembered', async () => {
    const app = server(token, 'https://login.weixin.qq.com/l/abc');
    const english = await app.inject({ url: '/desk?lang=en', headers: { authorization: basic(token) } });
    expect(english.statusCode).toBe(200);
    expect(english.body).toContain('<svg');
    expect(english.body).toContain('WeChat login');
    const cookie = String(english.headers['set-cookie']).split(';')[0] as string;
    const again = await app.inject({ url: '/desk', headers: { authorization: basic(token), cookie } });
    expect(again.body).toContain('WeChat login');
    const chinese = await app.inject({ url: '/desk', headers: { authorization: basic(token) } });
    expect(chinese.body).toContain('微信登录');
  });

  it('when the page script is asked for, then it is served as a script of its own (no inline script in the pages)', async () => {
    const app = server(token);
    const page = await app.inject({ url: '/desk', headers: { authorization: basic(token) } });
    expect(page.body).toContain('<script src="/desk.js" defer></script>');
    expect(page.body).not.toMatch(/<script>/);
    const script = await app.inject({ url: '/desk.js', headers: { authorization: basic(token) } });
    expect(script.headers['content-type']).toContain('text/javascript');
    expect(script.body).toContain("new EventSource('/desk/events')");
  });
});
