import { DEFAULT_SLA_POLICY } from '../../../services/tickets/sla';
import type { TicketEvent } from '../../../services/tickets/ticket-service';
import { useTestDatabase } from '../../support/database';
import { alice, HOUR, MINUTE, ticketSetup } from './ticket-fixtures';

const database = useTestDatabase();
const setup = () => ticketSetup(database().connection);

/** The step keys applied to one case (the watch sees every case of this file's database). */
const stepsOf = (events: TicketEvent[], id: string) =>
  events.filter((e) => String(e.ticket._id) === id).map((e) => e.step?.key);

describe('the SLA watch', () => {
  it('when deadlines pass, then the warning and each rung of the ladder apply once, and the events say what to tell whom', async () => {
    const { openId, tickets, clock } = setup();
    const id = await openId({ kind: 'complaint', intent: 'dissatisfaction', category: 'service_quality' });
    const opened = clock.now().getTime();
    clock.advance(25 * MINUTE); // 80% of the 30-minute acknowledgement target is 24 minutes

    const first = (await tickets.applyDueEscalations(clock.now())).filter((e) => String(e.ticket._id) === id);

    expect(first).toEqual([
      expect.objectContaining({
        type: 'sla_warning',
        actor: 'sla',
        step: expect.objectContaining({
          key: 'acknowledge:warning',
          target: 'desk',
          deadline: 'acknowledge',
          dueAt: new Date(opened + 24 * MINUTE),
        }),
      }),
    ]);
    expect(stepsOf(await tickets.applyDueEscalations(clock.now()), id)).toEqual([]);

    clock.advance(40 * MINUTE); // 65 minutes: past the deadline (desk) and a second period (supervisor)
    const later = (await tickets.applyDueEscalations(clock.now())).filter((e) => String(e.ticket._id) === id);
    expect(later.map((e) => [e.type, e.step?.target, e.step?.level])).toEqual([
      ['sla_escalation', 'desk', 1],
      ['sla_escalation', 'supervisor', 2],
    ]);
    const stored = await tickets.get(id);
    expect(stored.escalationLevel).toBe(2);
    expect(stored.history.filter((h) => h.actor === 'sla').map((h) => h.note)).toEqual([
      'acknowledge:warning -> desk',
      'acknowledge:escalation:1 -> desk',
      'acknowledge:escalation:2 -> supervisor',
    ]);

    await tickets.claim(id, alice); // acknowledged: only the resolution deadline is left
    clock.advance(2 * HOUR);
    expect(stepsOf(await tickets.applyDueEscalations(clock.now()), id)).toEqual([]);
    clock.set(new Date(opened + 24 * HOUR));
    expect(stepsOf(await tickets.applyDueEscalations(clock.now()), id)).toEqual([
      'resolve:warning',
      'resolve:escalation:1',
    ]);
  });

  it('when two instances run the SLA watch at the same moment, then each step is applied and reported once', async () => {
    const { openId, tickets, instance, clock } = setup();
    const other = instance();
    const ids = await Promise.all([
      openId({ kind: 'complaint', intent: 'dissatisfaction' }),
      openId({ kind: 'emergency', emergencyKind: 'flood' }),
      openId(),
    ]);
    clock.advance(65 * MINUTE);

    const [a, b] = await Promise.all([
      tickets.applyDueEscalations(clock.now()),
      other.applyDueEscalations(clock.now()),
    ]);

    const applied = [...a, ...b].filter((e) => ids.includes(String(e.ticket._id)));
    const byTicket = (id: string) =>
      applied
        .filter((e) => String(e.ticket._id) === id)
        .map((e) => e.step!.key)
        .sort();
    expect(byTicket(ids[0]!)).toEqual([
      'acknowledge:escalation:1',
      'acknowledge:escalation:2',
      'acknowledge:warning',
    ]);
    expect(byTicket(ids[1]!)).toEqual([
      'acknowledge:escalation:1',
      'acknowledge:escalation:2',
      'acknowledge:escalation:3',
      'acknowledge:warning',
    ]);
    expect(byTicket(ids[2]!)).toEqual([]);
    for (const id of ids) {
      const stored = await tickets.get(id);
      expect(new Set(stored.slaSteps).size).toBe(stored.slaSteps.length);
      expect(stored.history.filter((h) => h.action.startsWith('sla_'))).toHaveLength(stored.slaSteps.length);
    }
    expect((await tickets.get(ids[1]!)).escalationLevel).toBe(3);
  });

  it('when a case is resolved before its deadlines, then nothing is ever due for it', async () => {
    const { openId, tickets, clock } = setup();
    const id = await openId({ kind: 'emergency', emergencyKind: 'fire' });
    clock.advance(2 * MINUTE);
    await tickets.claim(id, alice);
    await tickets.resolve(id, alice, 'fire brigade came; extinguished');
    clock.advance(30 * 24 * HOUR);
    expect(stepsOf(await tickets.applyDueEscalations(clock.now()), id)).toEqual([]);
  });

  it('when an old case is reopened, then the SLA starts a new round from the reopening instead of paging the manager', async () => {
    const { openId, tickets, clock } = setup();
    const id = await openId(); // a repair: acknowledge within 2 h, resolve within 48 h
    await tickets.claim(id, alice);
    await tickets.resolve(id, alice);
    await tickets.close(id, alice.id);
    clock.advance(10 * 24 * HOUR);
    const reopenedAt = clock.now().getTime();

    await tickets.reopen(id, 'owner', 'the lift stopped again');

    expect(stepsOf(await tickets.applyDueEscalations(clock.now()), id)).toEqual([]);
    expect(tickets.deadlines(await tickets.get(id))).toEqual({
      acknowledgeBy: new Date(reopenedAt + 2 * HOUR),
      resolveBy: new Date(reopenedAt + 48 * HOUR),
    });
    clock.advance(96 * MINUTE);
    expect(stepsOf(await tickets.applyDueEscalations(clock.now()), id)).toEqual(['r1:acknowledge:warning']);
    await tickets.claim(id, alice);
    clock.set(new Date(reopenedAt + 40 * HOUR));
    expect(stepsOf(await tickets.applyDueEscalations(clock.now()), id)).toEqual(['r1:resolve:warning']);
    expect((await tickets.get(id)).slaSteps).toEqual(['r1:acknowledge:warning', 'r1:resolve:warning']);
  });

  it('when the company sets its own targets, then the watch and the quoted deadlines follow them', async () => {
    const { openId, tickets, clock } = ticketSetup(database().connection, {
      slaPolicy: {
        ...DEFAULT_SLA_POLICY,
        acknowledgeMinutes: { ...DEFAULT_SLA_POLICY.acknowledgeMinutes, consulting: 10 },
      },
    });
    const id = await openId({ kind: 'consulting', intent: 'consulting', category: 'fees' });
    expect(tickets.acknowledgeMinutes('consulting', 'consulting')).toBe(10);
    clock.advance(10 * MINUTE);
    expect(stepsOf(await tickets.applyDueEscalations(clock.now()), id)).toEqual([
      'acknowledge:warning',
      'acknowledge:escalation:1',
    ]);
  });
});
