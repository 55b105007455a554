import type { Identity, Owner } from '../../../services/owners/owner-model';
import { planSend, type AskedResponse, type Recipient } from '../../../services/surveys/campaign-recipients';

const recipient = (id: string): Recipient => ({
  owner: { id } as Owner,
  identity: { key: `telegram:${id}` } as Identity,
});
const asked = (ownerId: string, queuedAt: Date | null): [string, AskedResponse] => [
  ownerId,
  { _id: `quarterly:2026Q4:${ownerId}`, ownerId, queuedAt, identityKey: `telegram:${ownerId}` },
];

describe('campaign recipients', () => {
  const everyone = ['a', 'b', 'c', 'd', 'e'].map(recipient);
  const ids = (list: Recipient[]) => list.map(({ owner }) => owner.id);

  it('when some owners were asked, then only the others are to ask, and the asked are counted', () => {
    const plan = planSend(everyone, new Map([asked('b', new Date()), asked('d', new Date())]), 0);
    expect(ids(plan.toAsk)).toEqual(['a', 'c', 'e']);
    expect(plan.alreadyAsked).toBe(2);
  });

  it('when a response was written before its message was queued, then its owner is asked again', () => {
    const plan = planSend(everyone, new Map([asked('c', null)]), 0);
    expect(ids(plan.toAsk)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(plan.alreadyAsked).toBe(0);
  });

  it('when a rotation is given, then the list starts that far in and wraps around', () => {
    expect(ids(planSend(everyone, new Map(), 0.5).toAsk)).toEqual(['c', 'd', 'e', 'a', 'b']);
    expect(ids(planSend(everyone, new Map(), 0.99).toAsk)).toEqual(['e', 'a', 'b', 'c', 'd']);
  });
});
