import { DomainError } from '../../../services/errors';
import { parseForgetTarget } from '../../../services/privacy/forget-target';

describe('forget target', () => {
  it('when the target is 24 hex digits, then it is an owner id and identities are found by owner', () => {
    const parsed = parseForgetTarget('64b7f0c2a1e4d3b2c1a09f8e');
    expect(parsed.ownerId?.toHexString()).toBe('64b7f0c2a1e4d3b2c1a09f8e');
    expect(parsed.identityFilter).toEqual({ ownerId: '64b7f0c2a1e4d3b2c1a09f8e' });
  });

  it('when the target is a channel user key, then there is no owner id and the identity is found by key', () => {
    expect(parseForgetTarget('telegram:123')).toEqual({
      ownerId: undefined,
      identityFilter: { key: 'telegram:123' },
    });
    expect(parseForgetTarget('web:session-1').identityFilter).toEqual({ key: 'web:session-1' });
  });

  it('when the target is neither, then it is refused as invalid, quoting at most 60 characters', () => {
    for (const target of ['alice', 'email:a@b.c', 'telegram:', 'telegram:1 2', '64b7f0c2a1e4d3b2c1a09f8']) {
      expect(() => parseForgetTarget(target)).toThrow(DomainError);
    }
    const long = 'x'.repeat(100);
    expect(() => parseForgetTarget(long)).toThrow(
      expect.objectContaining({
        code: 'invalid_target',
        message: expect.stringContaining(`"${'x'.repeat(60)}"`),
      }),
    );
  });
});
