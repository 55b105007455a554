import { choiceFromNumber, renderForChannel, splitText } from '../../../services/channels/render';

const noButtons = { buttons: false, threads: false, markup: false, maxTextLength: 2048 };
const withButtons = { buttons: true, threads: false, markup: false, maxTextLength: 4096 };

describe('renderForChannel', () => {
  const message = {
    text: '请选择您要办理的事项：',
    language: 'zh' as const,
    buttons: [
      { label: '报修', action: 'menu:repair' },
      { label: '咨询', action: 'menu:question' },
    ],
  };

  it('when the channel has buttons, then they are kept as buttons', () => {
    expect(renderForChannel(message, withButtons)).toEqual([message]);
  });

  it('when the channel has no buttons, then they become a numbered list with a hint in the owner language', () => {
    const [rendered] = renderForChannel(message, noButtons);
    expect(rendered?.buttons).toBeUndefined();
    expect(rendered?.text).toBe('请选择您要办理的事项：\n\n1. 报修\n2. 咨询\n请回复数字选择。');
  });

  it('when the text is longer than the channel allows, then it is split and buttons stay on the last part', () => {
    const long = { ...message, text: `${'第一段内容。'.repeat(300)}\n\n${'second paragraph '.repeat(100)}` };
    const parts = renderForChannel(long, { ...withButtons, maxTextLength: 2000 });
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(Array.from(part.text).length).toBeLessThanOrEqual(2000);
    expect(parts.at(-1)?.buttons).toEqual(message.buttons);
    expect(parts.slice(0, -1).every((part) => part.buttons === undefined)).toBe(true);
  });
});

describe('splitText', () => {
  it('when text has no boundary, then it is cut hard without losing characters', () => {
    const text = 'x'.repeat(25);
    expect(splitText(text, 10).join('')).toBe(text);
  });

  it('when text contains emoji at the cut, then no surrogate pair is broken', () => {
    const parts = splitText('😀'.repeat(15), 10);
    expect(parts.join('')).toBe('😀'.repeat(15));
    expect(parts.every((part) => !/[\uD800-\uDBFF]$/.test(part))).toBe(true);
  });
});

describe('choiceFromNumber', () => {
  const offered = ['a', 'b', 'c'];
  it.each([
    ['2', 'b'],
    ['２', 'b'],
    [' 3. ', 'c'],
    ['第1个', 'a'],
  ])('when the owner answers %j, then it maps to %j', (text, action) => {
    expect(choiceFromNumber(text, offered)).toBe(action);
  });

  it('when the number is out of range or the text is not a number, then there is no choice', () => {
    expect(choiceFromNumber('4', offered)).toBeUndefined();
    expect(choiceFromNumber('2 lifts are broken', offered)).toBeUndefined();
  });
});
