import {
  createReturnVisitService,
  type ReturnVisitService,
} from '../../../services/return-visits/return-visit-service';
import { returnVisitModel } from '../../../services/return-visits/return-visit-model';
import { createCoreHarness, STAFF_ADDRESS } from '../../support/core-harness';
import { useTestDatabase } from '../../support/database';

const database = useTestDatabase();
const alice = { id: 'U0ALICE', name: 'Alice' };
const HOUR = 3_600_000;

describe('return visits', () => {
  let visits: ReturnVisitService | undefined;
  let harness: ReturnType<typeof createCoreHarness> | undefined;
  const h = () => harness as ReturnType<typeof createCoreHarness>;
  const rv = () => visits as ReturnVisitService;

  beforeAll(() => {
    harness = createCoreHarness(database().connection, {}, (parts) => {
      visits = createReturnVisitService({
        connection: database().connection,
        ...parts,
        staffAddress: STAFF_ADDRESS,
        staffLanguage: 'en',
      });
      return [visits.answerer];
    });
  });

  const buttonToken = async (caseId: string) =>
    (await returnVisitModel(database().connection).findById(`${caseId}:0`).lean())?.buttonToken as string;

  /** A repair case opened by `from`, claimed and resolved by Alice. */
  async function resolvedCase(from: string) {
    await h().send('The kitchen tap is leaking and water is on the floor, please send a plumber', { from });
    const [ticket] = await h().tickets.listOpen(`telegram:${from}`);
    const id = String(ticket!._id);
    await h().tickets.claim(id, alice);
    await h().tickets.resolve(id, alice, 'replaced the washer');
    return { id, reference: ticket!.reference };
  }

  it('when the owner says it is not solved, then the case is reopened with the same staff owner and escalated again', async () => {
    const { id, reference } = await resolvedCase('rv-no');
    h().clock.advance(23 * HOUR);
    expect((await rv().run()).asked).toBe(0);
    h().clock.advance(2 * HOUR);
    expect((await rv().run()).asked).toBe(1);
    expect((await rv().run()).asked).toBe(0);
    const prompt = await h().outbox.get(`return-visit:${id}:0`);
    expect(prompt?.message.text).toContain(`a follow-up on your case ${reference}`);
    const token = await buttonToken(id);
    // The buttons carry a random token, never the case id (which could be guessed from another).
    expect(token).not.toContain(id);
    expect(prompt?.message.buttons?.map((b) => b.action)).toEqual([
      `rv:${token}:solved:yes`,
      `rv:${token}:solved:no`,
    ]);
    expect((await h().tickets.get(id)).status).toBe('return_visit');

    // Someone else pressing the owner's button changes nothing and learns nothing.
    await h().send('', { from: 'rv-stranger', action: `rv:${token}:solved:no` });
    await h().send('', { from: 'rv-stranger', action: `rv:${'x'.repeat(16)}:solved:no` });
    expect(await h().replies('rv-stranger')).toEqual([
      'That choice is no longer available. Just send me a message if you need anything.',
      'That choice is no longer available. Just send me a message if you need anything.',
    ]);
    expect((await h().tickets.get(id)).status).toBe('return_visit');

    await h().send('', { from: 'rv-no', action: `rv:${token}:solved:no` });
    const reopened = await h().tickets.get(id);
    expect(reopened).toMatchObject({ status: 'reopened', assignee: alice.id, slaRound: 1 });
    const escalation = await h().outbox.get(`escalation:${id}:return_visit_r0`);
    expect(escalation?.message.text).toBe(
      `🔁 [${reference}] The return visit was negative (the owner says it is not solved): reopened and back with <@U0ALICE>.`,
    );
    expect((await h().replies('rv-no')).at(-1)).toContain(`Case ${reference} is reopened`);

    await h().send('Still dripping under the sink', { from: 'rv-no' });
    expect((await h().tickets.get(id)).messages.filter((m) => m.from === 'owner').at(-1)?.text).toBe(
      'Still dripping under the sink',
    );
    expect(
      (await h().queued({ staff: true })).some((e) =>
        e.message.text.includes('The owner adds: Still dripping'),
      ),
    ).toBe(true);
    // Reopened cases can be claimed back by their owner only (first-inquiry responsibility).
    await expect(h().tickets.claim(id, { id: 'U0BOB', name: 'Bob' })).rejects.toMatchObject({
      code: 'not_owner',
    });
  });

  it('when the owner rates 2 by typing, then the rating is stored and the case reopened; a 5 with a comment closes it', async () => {
    const low = await resolvedCase('rv-low');
    const high = await resolvedCase('rv-high');
    h().clock.advance(25 * HOUR);
    expect((await rv().run()).asked).toBe(2);

    await h().send('yes', { from: 'rv-low' });
    expect((await h().replies('rv-low')).at(-1)).toContain('How satisfied are you');
    await h().send('2', { from: 'rv-low' });
    const lowTicket = await h().tickets.get(low.id);
    expect(lowTicket.status).toBe('reopened');
    expect(lowTicket.returnVisit.rating).toBe(2);
    expect((await h().outbox.get(`escalation:${low.id}:return_visit_r0`))?.message.text).toContain(
      'rated 2/5',
    );

    const highToken = await buttonToken(high.id);
    await h().send('', { from: 'rv-high', action: `rv:${highToken}:solved:yes` });
    await h().send('', { from: 'rv-high', action: `rv:${highToken}:rating:5` });
    await h().send('Quick and friendly, thanks', { from: 'rv-high' });
    const highTicket = await h().tickets.get(high.id);
    expect(highTicket.status).toBe('closed');
    expect(highTicket.returnVisit).toMatchObject({ rating: 5, comment: 'Quick and friendly, thanks' });
    expect((await h().replies('rv-high')).at(-1)).toBe(
      `Thank you for your feedback! Case ${high.reference} is closed.`,
    );
  });

  it('when the owner does not answer for three days, then the case is flagged for a phone visit once', async () => {
    const silent = await resolvedCase('rv-silent');
    h().clock.advance(25 * HOUR);
    await rv().run();
    h().clock.advance(3 * 24 * HOUR + HOUR);
    expect((await rv().run()).phone).toBe(1);
    expect((await rv().run()).phone).toBe(0);
    const visit = await returnVisitModel(database().connection).findById(`${silent.id}:0`).lean();
    expect(visit).toMatchObject({ status: 'phone', step: 'done' });
    expect((await h().outbox.get(`return-visit-phone:${silent.id}:0`))?.message.text).toContain(
      'please call the owner',
    );
  });
});
