import { updateFor } from '../../../services/tickets/case-store';
import { FAR_FUTURE } from '../../../services/tickets/case-sla';
import { DEFAULT_SLA_POLICY } from '../../../services/tickets/sla';
import * as decide from '../../../services/tickets/transitions';
import { alice, followUp, HOUR, MINUTE, OPENED_AT, storedCase } from './ticket-fixtures';

const T0 = OPENED_AT;
const LATER = new Date(T0.getTime() + MINUTE);
const context = { actor: alice.id, now: LATER, policy: DEFAULT_SLA_POLICY };
const aCase = storedCase;

describe('the update a change becomes', () => {
  it('when a case opens, then its first SLA check is the acknowledge warning', () => {
    // A repair: acknowledge within 2 hours, warned at 80%.
    expect(aCase().slaCheckAt).toEqual(new Date(T0.getTime() + 96 * MINUTE));
  });

  it('when a step of the method is taken, then it sets the status, appends its history entry and counts the version', () => {
    const ticket = aCase({ version: 4 });
    expect(updateFor(ticket, decide.claim(ticket, alice, LATER), context)).toEqual({
      $set: {
        status: 'claimed',
        assignee: alice.id,
        assigneeName: 'Alice',
        acknowledgedAt: LATER,
        updatedAt: LATER,
        // Acknowledged: the next check is the resolve warning (80% of 48 hours).
        slaCheckAt: new Date(T0.getTime() + 0.8 * 48 * HOUR),
      },
      $push: {
        history: {
          seq: 5,
          at: LATER,
          actor: alice.id,
          action: 'claimed',
          from: 'new',
          to: 'claimed',
          note: '',
        },
      },
      $inc: { version: 1 },
    });
  });

  it('when a message is added, then it is pushed without a history entry, still counting the version', () => {
    const ticket = aCase();
    const message = followUp();
    const update = updateFor(ticket, decide.addMessage(ticket, message)!, context);
    expect(update.$push).toEqual({ messages: message });
    expect(update.$inc).toEqual({ version: 1 });
  });

  it('when an SLA step is applied or the case settles, then the next check moves on', () => {
    const ticket = aCase({ createdAt: T0 });
    const step = decide.slaStep(ticket, new Date(T0.getTime() + 2 * HOUR), DEFAULT_SLA_POLICY)!;
    const update = updateFor(ticket, step, context);
    expect(update.$push).toMatchObject({
      slaSteps: 'acknowledge:warning',
      history: { action: 'sla_warning' },
    });
    // The acknowledge deadline itself (rung 1).
    expect(update.$set).toMatchObject({ slaCheckAt: new Date(T0.getTime() + 2 * HOUR) });
    const resolved = aCase({ status: 'claimed', assignee: alice.id });
    expect(updateFor(resolved, decide.resolve(resolved, alice, LATER, ''), context).$set).toMatchObject({
      slaCheckAt: FAR_FUTURE,
    });
  });
});
