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
    for (const text of ['ＷｈＹ！！ sooo slow。。。', '部𨋢又壞咗，係咪冇人理？', '熱水爐唔著火，點算好']) {
      const once = normalizeText(text);
      expect(normalizeText(once)).toBe(once);
    }
  });

  it('when a message is in Traditional characters, then it reads as Simplified', () => {
    expect(normalizeText('後樓梯的電燈壞了，請派人來修理')).toBe('后楼梯的电灯坏了,请派人来修理');
    expect(normalizeText('廚房著火了')).toBe('厨房着火了');
  });

  it('when a message is written Cantonese, then its colloquial words read as Mandarin', () => {
    expect(normalizeText('部𨋢壞咗，啲人困咗喺入面')).toBe('部电梯坏了,人困在里面');
    expect(normalizeText('廁所水喉爆咗，成地都係水')).toBe('厕所水管爆了,满地都是水');
    expect(normalizeText('火燭呀！')).toBe('着火呀!');
    expect(normalizeText('冇熱水，可唔可以嚟睇下？')).toBe('没有热水,可不可以来看下?');
    expect(normalizeText('煲燶咗，好大陣燶味')).toBe('煲焦了,好大阵焦味');
  });

  it('when Mandarin shares a word with Cantonese, then its meaning is kept', () => {
    expect(normalizeText('请物业出面协调一下')).toBe('请物业出面协调一下');
    expect(normalizeText('没关系，跟物业打交道很顺利')).toBe('没关系,跟物业打交道很顺利');
    expect(normalizeText('心里很郁闷')).toBe('心里很郁闷');
    expect(normalizeText('沒關係')).toBe('没关系');
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

  it('when Chinese is in Traditional characters or written Cantonese, then zh-Hant or yue', () => {
    expect(detectLanguage('電梯壞了，請盡快處理')).toBe('zh-Hant');
    expect(detectLanguage('部𨋢壞咗')).toBe('yue');
    expect(detectLanguage('个水龙头坏咗，几时嚟整？')).toBe('yue');
    expect(detectLanguage('沒關係，謝謝')).toBe('zh-Hant');
    expect(replyLanguage('部𨋢壞咗')).toBe('zh');
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
