import { Types } from 'mongoose';
import {
  activeLock,
  afterLock,
  matchHousehold,
  NO_BINDING,
  readPhoneAnswer,
} from '../../../services/owners/binding-rules';
import type { OwnerRecord } from '../../../services/owners/owner-model';

function owner(unit: string, phone: string): OwnerRecord {
  const [entrance, room] = unit.includes('-') ? unit.split('-') : ['', unit];
  const at = new Date('2026-01-01T00:00:00Z');
  return {
    _id: new Types.ObjectId(),
    householdKey: `5/${unit}/${phone}`,
    name: 'Owner',
    building: '5',
    unit,
    entrance: entrance as string,
    room: room as string,
    phone,
    phoneLast4: phone.slice(-4),
    language: 'zh',
    verified: true,
    demo: false,
    source: 'import',
    createdAt: at,
    updatedAt: at,
  };
}

describe('binding rules', () => {
  it('when the answer is four digits or a whole number, then it is read as such; anything else is not understood', () => {
    expect(readPhoneAnswer('尾号 8000')).toEqual({ last4: '8000' });
    expect(readPhoneAnswer('+86 138-0013-8000')).toEqual({ phone: '13800138000' });
    expect(readPhoneAnswer('80001')).toBeUndefined();
    expect(readPhoneAnswer('no digits')).toBeUndefined();
  });

  it('when the entrance is left out, then only digits that single out one household bind', () => {
    const first = owner('1-1203', '13622223333');
    const second = owner('2-1203', '13800138000');
    const alike = owner('3-1203', '13900003333');

    expect(matchHousehold([first, second], '1203', { last4: '8000' })).toEqual({ owner: second });
    expect(matchHousehold([first, alike], '1203', { last4: '3333' })).toEqual({ outcome: 'retry' });
    expect(matchHousehold([first, alike], '1203', { phone: '13900003333' })).toEqual({ owner: alike });
    expect(matchHousehold([first, second], '3-1203', { last4: '8000' })).toEqual({ outcome: 'no_such_unit' });
    expect(matchHousehold([], '1203', { last4: '8000' })).toEqual({ outcome: 'no_such_unit' });
  });

  it('when a lock-out has run out, then it is no longer active and the next step resets the attempts', () => {
    const now = new Date('2026-11-22T02:00:00Z');
    const locked = {
      ...NO_BINDING,
      step: 'locked' as const,
      attempts: 3,
      lockedUntil: new Date(now.getTime() + 1),
    };

    expect(activeLock(locked, now)).toEqual(locked.lockedUntil);
    expect(activeLock(locked, new Date(now.getTime() + 1))).toBeUndefined();
    expect(afterLock(locked)).toEqual({ 'binding.attempts': 0, 'binding.lockedUntil': new Date(0) });
    expect(afterLock({ ...NO_BINDING, step: 'awaiting_unit', attempts: 2 })).toEqual({});
  });
});
