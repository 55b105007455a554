import Fastify from 'fastify';
import { createAdminAccess, type AdminAccessSettings } from '../../bots/http/admin-access';
import { createFakeClock } from '../../services/clock';
import { createStaffAccounts } from '../../services/staff/staff-accounts';
import { runStaffCommand } from '../../services/staff/staff-command';
import { useTestDatabase } from '../support/database';
import { captureOutput } from '../support/output';

const database = useTestDatabase();
const TOKEN = 'a-long-admin-token-0123';

/** A staff page behind the access check, answering with who signed in. */
function staffPage(settings: AdminAccessSettings) {
  const access = createAdminAccess(settings);
  const server = Fastify();
  void server.register(async (scope) => {
    scope.addHook('preHandler', access.requireSignIn('Staff', 'ownerbot staff'));
    scope.get('/staff', async (request) => ({
      user: access.userOf(request)?.id,
      role: access.userOf(request)?.role,
    }));
  });
  return async (remoteAddress: string, auth?: string) => {
    const response = await server.inject({
      method: 'GET',
      url: '/staff',
      remoteAddress,
      headers: auth ? { authorization: `Basic ${Buffer.from(auth).toString('base64')}` } : {},
    });
    const json = String(response.headers['content-type']).includes('json');
    return {
      status: response.statusCode,
      body: (json ? response.json() : {}) as Record<string, unknown>,
      headers: response.headers,
    };
  };
}

describe('staff sign-in', () => {
  const clock = createFakeClock('2026-12-01T02:00:00Z');
  const accounts = () => createStaffAccounts({ connection: database().connection, clock });

  it('when ADMIN_TOKEN is set, then only admin with the exact token opens, from anywhere, loopback included', async () => {
    const visit = staffPage({ adminToken: TOKEN, openOnLoopback: true, clock });
    expect((await visit('127.0.0.1')).status).toBe(401);
    for (const wrong of ['', 'a-long-admin-token-0124', `${TOKEN}x`, TOKEN.slice(0, -1)])
      expect((await visit('10.0.0.5', `admin:${wrong}`)).status).toBe(401);
    // The shared token no longer signs in under any name: the audit log must name a real person.
    expect((await visit('10.0.0.5', `Alice:${TOKEN}`)).status).toBe(401);
    expect(await visit('10.0.0.5', `admin:${TOKEN}`)).toMatchObject({
      status: 200,
      body: { user: 'desk:admin', role: 'manager' },
    });
  });

  it('when a named account signs in with its own password, then actions carry its name; a wrong one is refused', async () => {
    const password = await accounts().add('陈静', { role: 'supervisor' });
    await accounts().add('Bob', { password: 'bob-chose-this-1' });
    const visit = staffPage({ adminToken: TOKEN, openOnLoopback: false, accounts: accounts(), clock });
    expect(await visit('10.0.0.6', `陈静:${password}`)).toMatchObject({
      status: 200,
      body: { user: 'desk:陈静', role: 'supervisor' },
    });
    expect(await visit('10.0.0.6', `bob:bob-chose-this-1`)).toMatchObject({
      status: 200,
      body: { user: 'desk:Bob' },
    });
    expect((await visit('10.0.0.6', `Bob:${password}`)).status).toBe(401);
    expect((await visit('10.0.0.6', `Nobody:${password}`)).status).toBe(401);
    const stored = await database().connection.collection('staff_accounts').find({}).toArray();
    expect(JSON.stringify(stored)).not.toContain(password);
    expect(JSON.stringify(stored)).not.toContain('bob-chose-this-1');
  });

  it('when an address keeps guessing, then after ten failures it gets 429 (even with the right password) until it may try again', async () => {
    const visit = staffPage({ adminToken: TOKEN, openOnLoopback: false, accounts: accounts(), clock });
    for (let i = 0; i < 10; i++) expect((await visit('10.0.0.7', `admin:guess-${i}`)).status).toBe(401);
    const locked = await visit('10.0.0.7', `admin:${TOKEN}`);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    expect((await visit('10.0.0.8', `admin:${TOKEN}`)).status).toBe(200); // another address is unaffected
    clock.advance(Number(locked.headers['retry-after']) * 1000);
    expect((await visit('10.0.0.7', `admin:${TOKEN}`)).status).toBe(200);
  });

  it('when no token is set, then the demo mode opens to loopback only and production stays shut', async () => {
    const demo = staffPage({ adminToken: undefined, openOnLoopback: true, clock });
    expect((await demo('127.0.0.1')).status).toBe(200);
    expect((await demo('::1')).status).toBe(200);
    expect((await demo('192.168.1.20')).status).toBe(401);
    expect(
      (await staffPage({ adminToken: undefined, openOnLoopback: false, clock })('127.0.0.1')).status,
    ).toBe(503);
  });

  it('when staff accounts are managed from the command line, then passwords are shown once and names are checked', async () => {
    const run = async (
      verb: string,
      args: string[],
      flags: Record<string, string | true> = {},
      stdin = '',
    ) => {
      const output = captureOutput();
      const code = await runStaffCommand({
        connection: database().connection,
        clock,
        out: output.out,
        verb,
        args,
        flags,
        readPassword: async () => stdin,
      });
      return { code, text: output.text() };
    };
    const added = await run('add', ['Dana', 'Li'], { role: 'manager' });
    expect(added.code).toBe(0);
    const password = /with: (\S+)$/m.exec(added.text)?.[1] as string;
    expect(await accounts().verify('dana li', password)).toMatchObject({ name: 'Dana Li', role: 'manager' });
    expect((await run('add', ['Dana', 'Li'])).text).toContain('There is already an account named Dana Li');
    expect((await run('add', ['admin'])).code).toBe(1);
    expect((await run('add', ['Eve'], { role: 'root' })).code).toBe(64);
    expect((await run('password', ['Dana', 'Li'], { 'password-stdin': true }, 'short\n')).text).toContain(
      'at least 10 characters',
    );
    expect((await run('password', ['Dana', 'Li'], { 'password-stdin': true }, 'a-new-one-12\n')).code).toBe(
      0,
    );
    expect(await accounts().verify('Dana Li', 'a-new-one-12')).toBeDefined();
    expect((await run('list', [])).text).toMatch(/Dana Li\tmanager/);
    expect((await run('remove', ['Dana', 'Li'])).text).toBe('Removed Dana Li.\n');
  });
});
