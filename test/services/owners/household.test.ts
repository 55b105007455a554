import { parseCsv } from '../../../services/owners/csv';
import { normalizePhone, parseHousehold, parseUnitAddress } from '../../../services/owners/household';
import { bindingReply, formatPlace } from '../../../services/i18n/binding';
import { localize } from '../../../services/i18n/text';

describe('parseUnitAddress', () => {
  it.each([
    ['5-1203', '5', '1203'],
    ['5栋1203', '5', '1203'],
    ['5栋1203室', '5', '1203'],
    ['5号楼2单元1203', '5', '2-1203'],
    ['5号楼 2单元 1203室', '5', '2-1203'],
    ['五栋二单元1203', '5', '2-1203'],
    ['5号2单元1203', '5', '2-1203'],
    ['5#1203', '5', '1203'],
    ['5-2-1203', '5', '2-1203'],
    ['5 1203', '5', '1203'],
    ['５－１２０３', '5', '1203'],
    ['Building 5 unit 1203', '5', '1203'],
    ['building 5, unit 2-1203', '5', '2-1203'],
    ['Bldg. 5 Rm 1203', '5', '1203'],
    ['Block 5, entrance 2, flat 1203', '5', '2-1203'],
    ['B5 1203', '5', '1203'],
    ['b5-1203', '5', '1203'],
    ['A座1203', 'A', '1203'],
    ['Tower A room 1203', 'A', '1203'],
    ['A-1203', 'A', '1203'],
    ['I live in building 5, unit 1203', '5', '1203'],
    ['我住5栋2单元1203', '5', '2-1203'],
    ['楼栋：5 单元：2 房号：1203', '5', '2-1203'],
    ['05-0302', '5', '302'],
    ['5栋12层1203', '5', '1203'],
  ])('when an owner writes %p, then it reads building %p, unit %p', (text, building, unit) => {
    expect(parseUnitAddress(text)).toMatchObject({ building, unit });
  });

  it.each([['1203'], ['hello'], [''], ['5栋6栋1203'], ['5-2-3-1203'], ['2单元1203'], ['我家水管漏了']])(
    'when an owner writes %p, then it is not understood',
    (text) => {
      expect(parseUnitAddress(text)).toBeUndefined();
    },
  );

  it('when the owner file says building "5号楼" unit "2单元1203", then it equals what the chat reads from "5-2-1203"', () => {
    const fromFile = parseHousehold('5号楼', '2单元1203');
    expect(fromFile).toEqual(parseUnitAddress('5-2-1203'));
    expect(parseHousehold('Building 5', 'Unit 1203')).toEqual(parseUnitAddress('5栋1203'));
    expect(parseHousehold('B5', '1203')).toEqual(parseUnitAddress('B5 1203'));
    expect(parseHousehold('A', '1203')).toEqual(parseUnitAddress('A座1203'));
  });

  it('when the unit column holds a whole address with another building, then the row is not understood', () => {
    expect(parseHousehold('5', '6栋1203')).toBeUndefined();
    expect(parseHousehold('5 6', '1203')).toBeUndefined();
  });
});

describe('normalizePhone', () => {
  it('when a mainland mobile is written with +86, 0086 or separators, then all give the same digits', () => {
    for (const written of [
      '13800138000',
      '+86 138 0013 8000',
      '0086-138-0013-8000',
      '(138) 0013-8000',
      '８６１３８００１３８０００',
    ])
      expect(normalizePhone(written)).toEqual({ ok: true, phone: '13800138000' });
    expect(normalizePhone('+852 9123 4567')).toEqual({ ok: true, phone: '85291234567' });
  });

  it('when a phone is bad, then the reason says why without repeating the number', () => {
    expect(normalizePhone('')).toEqual({ ok: false, reason: 'phone is missing' });
    expect(normalizePhone('12345')).toEqual({ ok: false, reason: 'phone must have 7 to 15 digits' });
    const letters = normalizePhone('138-ABCD-8000');
    expect(letters.ok).toBe(false);
    expect(JSON.stringify(letters)).not.toContain('8000');
    expect(normalizePhone('1.38001E+10')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('spreadsheet'),
    });
  });
});

describe('parseCsv', () => {
  it('when fields are quoted with commas, escaped quotes and line breaks, then they come back whole with their start lines', () => {
    const { records, error } = parseCsv('a,b\n"x, y","say ""hi"""\n"two\nlines",z\n');
    expect(error).toBeUndefined();
    expect(records).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['x, y', 'say "hi"'] },
      { line: 3, fields: ['two\nlines', 'z'] },
    ]);
  });

  it('when the file has a BOM, CRLF line ends and blank lines, then blank lines are skipped and lines still count', () => {
    const { records } = parseCsv('\uFEFFa,b\r\n\r\n 1 , 2 \r\n\r\n3,4');
    expect(records).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 3, fields: ['1', '2'] },
      { line: 5, fields: ['3', '4'] },
    ]);
  });

  it('when a quote is never closed, then parsing stops with the line it opened on', () => {
    const { records, error } = parseCsv('a,b\n1,2\n"3,4\n5,6\n');
    expect(records).toHaveLength(2);
    expect(error).toEqual({ line: 3, reason: expect.stringContaining('unterminated') });
  });
});

describe('binding texts', () => {
  it('when a place is formatted, then each language reads naturally', () => {
    expect(formatPlace('5', '2-1203', 'zh')).toBe('5栋2单元1203室');
    expect(formatPlace('5', '1203', 'en')).toBe('Building 5, room 1203');
  });

  it('when a wrong unit and wrong digits are replied to, then the owner reads the same words', () => {
    const now = new Date('2026-11-22T02:00:00Z');
    for (const language of ['zh', 'en'] as const) {
      const retry = bindingReply({ outcome: 'retry', attemptsLeft: 2 }, language, now);
      const noUnit = bindingReply({ outcome: 'no_such_unit', attemptsLeft: 2 }, language, now);
      expect(localize(noUnit.text, language, noUnit.values)).toBe(
        localize(retry.text, language, retry.values),
      );
    }
    const locked = bindingReply(
      { outcome: 'locked', lockedUntil: new Date(now.getTime() + 29.5 * 60_000) },
      'en',
      now,
    );
    expect(localize(locked.text, 'en', locked.values)).toContain('in 30 minutes');
  });
});
