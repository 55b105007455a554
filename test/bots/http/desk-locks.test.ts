import { bindingCounterModel } from '../../../services/owners/binding-guard-store';
import { ownerModels } from '../../../services/owners/owner-model';
import { auditModel } from '../../../services/privacy/audit-log';
import { createCoreHarness } from '../../support/core-harness';
import { useTestDatabase } from '../../support/database';
import { createDeskApp } from '../../support/desk-app';

const database = useTestDatabase();
const HOUR = 3_600_000;

const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
const form = (headers: Record<string, string>, fields: Record<string, string>) => ({
  method: 'POST' as const,
  url: '/desk/locks/unlock',
  headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
  payload: new URLSearchParams(fields).toString(),
});

describe('binding locks on the desk', () => {
  it('when a unit is locked out, then staff see it on /desk/locks, a forged lift is refused, and Lift clears it and is audited', async () => {
    const h = createCoreHarness(database().connection);
    const now = h.clock.now();
    await bindingCounterModel(database().connection).create({
      key: 'unit:5/1203',
      failures: 7,
      lastFailureAt: now,
      forgetAt: new Date(now.getTime() + 24 * HOUR),
    });
    const { app, headers } = createDeskApp(h);

    const page = await app.inject({ url: '/desk/locks', headers });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Binding locks');
    expect(page.body).toMatch(/Unit<\/b> 5\/1203 · Locked until .* · 7 wrong answers/);

    expect((await app.inject(form(headers, { key: 'unit:5/1203', csrf: 'forged' }))).statusCode).toBe(403);
    const lifted = await app.inject(form(headers, { key: 'unit:5/1203', csrf: csrfOf(page.body) }));
    expect(lifted.statusCode).toBe(200);
    expect(lifted.body).toContain('Lifted: 5/1203 (unit)');
    expect(lifted.body).toContain('No unit or address is paused now.');
    const audit = await auditModel(database().connection).findOne({ action: 'owners.unlock' }).lean();
    expect(audit).toMatchObject({ actor: 'desk:admin', target: 'unit:5/1203', outcome: 'ok' });

    const unknown = await app.inject(form(headers, { key: 'owners:everyone', csrf: csrfOf(page.body) }));
    expect(unknown.statusCode).toBe(404);
    expect(unknown.body).toContain('No such unit or owner.');
  });

  it('when the owner of a case is locked out of binding, then the case view offers Lift, which frees their chat', async () => {
    const h = createCoreHarness(database().connection);
    await h.deliverAndWait(
      h.message('The lift in block 3 is broken again, please fix it', { from: 'locked-owner' }),
    );
    const [ticket] = await h.tickets.listOpen('telegram:locked-owner');
    const { identities } = ownerModels(database().connection);
    await identities.updateOne(
      { key: 'telegram:locked-owner' },
      {
        $set: {
          'binding.step': 'locked',
          'binding.attempts': 3,
          'binding.lockedUntil': new Date(h.clock.now().getTime() + HOUR),
        },
      },
    );
    const { app, headers } = createDeskApp(h);

    const view = await app.inject({ url: `/desk/cases/${String(ticket!._id)}`, headers });
    expect(view.body).toContain('Home link locked');
    const lifted = await app.inject(
      form(headers, { identity: 'telegram:locked-owner', csrf: csrfOf(view.body) }),
    );
    expect(lifted.body).toContain('Lifted: telegram:locked-owner (identity)');
    const freed = await identities.findOne({ key: 'telegram:locked-owner' }).lean();
    expect(freed?.binding).toMatchObject({ step: 'none', attempts: 0 });
    const again = await app.inject({ url: `/desk/cases/${String(ticket!._id)}`, headers });
    expect(again.body).not.toContain('Home link locked');
  });
});
