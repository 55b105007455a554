import { detectLanguage, replyLanguage } from '../../nlp/language';
import { correctionKey, normalizeText } from '../../nlp/normalize';
import { tokenize } from '../../nlp/tokenize';

describe('normalizeText', () => {
  it('when a message is full-width, shouting and stretched, then it is half-width, lower case and squashed', () => {
    expect(normalizeText('ＬＩＦＴ　ＢＲＯＫＥＮ！！！')).toBe('lift broken!');
    expect(normalizeText('pleeeease help???')).toBe('please help?');
    expect(normalizeText('电梯坏了！！！怎么办？？？')).toBe('电梯坏了!怎么办?');
    expect(normalizeText('why?!?!')).toBe('why?!');
    expect(normalizeText('  two   spaces \n here ')).toBe('two spaces here');
  });

  it('when a message has emoji, then they are kept', () => {
    expect(normalizeText('Fixed 👍👍')).toBe('fixed 👍👍');
  });

  it('when normalized twice, then nothing changes', () => {
    const once = normalizeText('ＷｈＹ！！ sooo slow。。。');
    expect(normalizeText(once)).toBe(once);
  });

  it('when two messages differ only by punctuation, case and spaces, then their correction keys are equal', () => {
    expect(correctionKey('Lift broken!!')).toBe(correctionKey('lift  broken'));
    expect(correctionKey('电梯坏了！')).toBe(correctionKey('电梯坏了'));
    expect(correctionKey('lift broken')).not.toBe(correctionKey('lift fixed'));
  });
});

describe('detectLanguage', () => {
  it('when a message is in one script, then that language', () => {
    expect(detectLanguage('电梯坏了')).toBe('zh');
    expect(detectLanguage('The lift is broken')).toBe('en');
  });

  it('when a Chinese message names a brand or WiFi, then it stays Chinese', () => {
    expect(detectLanguage('我家WiFi密码是多少')).toBe('zh');
  });

  it('when a message leans on both scripts, then mixed, answered in its main script', () => {
    expect(detectLanguage('The 电梯 in building 3 坏了 again')).toBe('mixed');
    expect(replyLanguage('The lift in building three 坏了')).toBe('en');
    expect(replyLanguage('电梯又坏了，已经三天没人修了 again')).toBe('zh');
  });

  it('when a message has no letters, then Chinese punctuation decides', () => {
    expect(detectLanguage('？？？。')).toBe('zh');
    expect(detectLanguage('123 👍')).toBe('en');
    expect(detectLanguage('')).toBe('en');
  });
});

describe('tokenize', () => {
  it('when English, then stems, word bigrams and a negation feature', () => {
    const tokens = tokenize('The heater is not working');
    expect(tokens).toEqual(expect.arrayContaining(['heater', 'work', 'not_work', 'is+not']));
  });

  it('when a contraction or a missing apostrophe negates, then the same negation feature', () => {
    expect(tokenize("It doesn't work")).toContain('not_work');
    expect(tokenize('it doesnt work')).toContain('not_work');
    expect(tokenize("I can't open the door")).toContain('not_open');
  });

  it('when Chinese, then characters and character bigrams', () => {
    expect(tokenize('电梯坏了', { cues: false, edges: false })).toEqual([
      '电',
      '梯',
      '电梯',
      '坏',
      '梯坏',
      '了',
      '坏了',
    ]);
  });

  it('when a message starts and ends, then edge tokens say how', () => {
    expect(tokenize('请问车位怎么办理吗', { cues: false })).toEqual(
      expect.arrayContaining(['^请问', '吗$', '理吗$']),
    );
    expect(tokenize('Why is the lift broken again', { cues: false })).toEqual(
      expect.arrayContaining(['^why', 'again$']),
    );
    expect(tokenize('电梯坏了 help', { cues: false })).toEqual(
      expect.arrayContaining(['^电梯', '了$', '坏了$', '^help', 'help$']),
    );
  });

  it('when a message names a topic or speaks as a complaint, then domain cue tokens', () => {
    expect(tokenize('为什么车位又被占了')).toEqual(
      expect.arrayContaining(['@topic:parking', '@topic:quality', '@cue:complaint']),
    );
    expect(tokenize('Could someone fix the intercom please')).toEqual(
      expect.arrayContaining(['@topic:equipment', '@cue:request']),
    );
    expect(tokenize('thanks!', { cues: false })).not.toContain('@cue:smalltalk');
  });

  it('when a message has numbers, marks and emoji, then signal tokens', () => {
    expect(tokenize('Room 1203 again?! 😡 👍 :(')).toEqual(
      expect.arrayContaining(['#', '?', '!', ':angry:', ':thumbs_up:', ':sad:']),
    );
  });

  it('when a message is empty or only spaces, then no tokens', () => {
    expect(tokenize('')).toEqual([]);
    expect(tokenize('   ')).toEqual([]);
  });

  it('when a word bigram would cross a comma, then it is not made', () => {
    expect(tokenize('water, please')).not.toContain('water+pleas');
  });
});
