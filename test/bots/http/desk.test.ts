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

  it('when staff open it with the token, then the WeChat login QR code is drawn', async () => {
    const response = await server(token, 'https://login.weixin.qq.com/l/abc').inject({
      url: '/desk',
      headers: { authorization: basic(token) },
    });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('<svg');
    expect(response.body).toContain('WeChat login');
  });
});
