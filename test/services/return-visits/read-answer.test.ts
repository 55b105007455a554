import {
  MAX_COMMENT,
  readComment,
  readDetail,
  readRating,
  readSolved,
} from '../../../services/return-visits/read-answer';
import { parseVisitButton } from '../../../services/return-visits/visit-questions';

describe('reading a return-visit reply', () => {
  it('when the owner answers "was it solved?" in words, a number or a button, then yes or no is read', () => {
    expect(readSolved('解决了！', undefined)).toEqual({ answer: 'yes' });
    expect(readSolved('ＹＥＳ', undefined)).toEqual({ answer: 'yes' });
    expect(readSolved('还没有', undefined)).toEqual({ answer: 'no' });
    expect(readSolved('2', undefined)).toEqual({ answer: 'no' });
    expect(readSolved('', 'yes')).toEqual({ answer: 'yes' });
  });

  it('when the reply is a number that is no option, then it is invalid; other text is no answer', () => {
    expect(readSolved('7', undefined)).toBe('invalid');
    expect(readSolved('the lift is noisy', undefined)).toBeUndefined();
    expect(readRating('9', undefined)).toBe('invalid');
    expect(readRating('great service', undefined)).toBeUndefined();
  });

  it('when the owner rates, then a score from 1 to 5 is read from the button or the text', () => {
    expect(readRating('', '2')).toEqual({ answer: 2 });
    expect(readRating('第4个', undefined)).toEqual({ answer: 4 });
  });

  it('when the owner skips or comments, then a skip is empty and a late or empty text is no answer', () => {
    expect(readComment('', 'skip', false)).toBe('');
    expect(readComment('没有', undefined, false)).toBe('');
    expect(readComment('quick work, thanks', undefined, true)).toBe('quick work, thanks');
    expect(readComment('quick work, thanks', undefined, false)).toBeUndefined();
    expect(readComment('', undefined, true)).toBeUndefined();
    expect(readComment('x'.repeat(MAX_COMMENT + 5), undefined, true)).toHaveLength(MAX_COMMENT);
  });

  it('when the owner says what is still wrong, then fresh text counts and a skip does not', () => {
    expect(readDetail('still dripping', true)).toBe('still dripping');
    expect(readDetail('still dripping', false)).toBeUndefined();
    expect(readDetail('skip', true)).toBeUndefined();
  });

  it('when a button is pressed, then only a well-formed visit action is read', () => {
    const token = 'AbCdEfGh12345678';
    expect(parseVisitButton(`rv:${token}:rating:5`)).toEqual({ token, step: 'rating', value: '5' });
    expect(parseVisitButton(`rv:${token}:rating:6`)).toBeUndefined();
    expect(parseVisitButton('rv:short:solved:yes')).toBeUndefined();
    expect(parseVisitButton(`case:claim:${token}`)).toBeUndefined();
  });
});
