import { createFaqIndex, parseFaqFile, validateFaqFile, type FaqEntry } from '../../nlp/faq';

const entries: FaqEntry[] = [
  {
    id: 'fee-payment',
    topic: 'Paying the property fee',
    category: 'fees',
    questions: {
      zh: ['物业费怎么交？', '在哪里缴纳物业费', '物业费可以用微信支付吗'],
      en: [
        'How do I pay the property fee?',
        'Where can I pay the management fee?',
        'Can I pay the property fee by WeChat?',
      ],
    },
    answer: { zh: '可在小程序缴费。', en: 'Pay in the mini-program.' },
  },
  {
    id: 'renovation-hours',
    topic: 'Renovation hours',
    category: 'decoration',
    questions: {
      zh: ['装修可以在什么时间施工？', '周末能装修吗'],
      en: ['What hours can renovation work be done?', 'Can I renovate on weekends?'],
    },
    answer: { zh: '工作日8:00-12:00、14:00-18:00。', en: 'Weekdays 8-12 and 14-18.' },
  },
];

describe('createFaqIndex', () => {
  const faq = createFaqIndex(entries);

  it.each([
    ['how can I pay my property fee', 'en', 'fee-payment'],
    ['are renovations allowed on the weekend?', 'en', 'renovation-hours'],
    ['物业费在哪交', 'zh', 'fee-payment'],
    ['周末可以装修吗？', 'zh', 'renovation-hours'],
  ] as const)('when asked "%s" (%s), then entry %s', (text, language, id) => {
    expect(faq.answer(text, language)?.entry.id).toBe(id);
  });

  it('when no language is given, then the message decides', () => {
    expect(faq.answer('物业费怎么交')).toMatchObject({ language: 'zh', entry: { id: 'fee-payment' } });
  });

  it('when the text is unrelated or empty, then no answer', () => {
    expect(faq.answer('my cat likes the sunshine', 'en')).toBeUndefined();
    expect(faq.answer('今天天气真好', 'zh')).toBeUndefined();
    expect(faq.answer('', 'en')).toBeUndefined();
  });

  it('when the threshold is raised to 1, then only an exact question matches', () => {
    const strict = createFaqIndex(entries, { threshold: 0.999 });
    expect(strict.answer('How do I pay the property fee?', 'en')?.entry.id).toBe('fee-payment');
    expect(strict.answer('how can I pay my property fee', 'en')).toBeUndefined();
  });
});

describe('validateFaqFile', () => {
  it('when the file is well formed, then ok with its entries', () => {
    const result = validateFaqFile({ name: 'test', notice: 'sample', entries });
    expect(result).toEqual({ ok: true, file: expect.objectContaining({ entries }) });
  });

  it('when the file has several problems, then each one with its place', () => {
    const bad = {
      name: '',
      entries: [
        { ...entries[0], category: 'plumbing' },
        { ...entries[1], questions: { zh: ['周末能装修吗'], en: [] } },
        { ...entries[1], answer: { zh: '好' } },
        { ...entries[0] },
      ],
    };
    const result = validateFaqFile(bad);
    expect(result.ok).toBe(false);
    const problems = result.ok ? [] : result.problems;
    expect(problems).toEqual(
      expect.arrayContaining([
        'name: name must not be empty',
        expect.stringMatching(/^entries\[0\]\.category: category must be one of: equipment/),
        'entries[1].questions.en: needs at least one English question',
        expect.stringMatching(/^entries\[2\]\.answer\.en: /),
        'entries[3].id: duplicate id "fee-payment" (first used by entries[0])',
      ]),
    );
  });

  it('when the text is not JSON, then one problem saying so', () => {
    expect(parseFaqFile('{ nope')).toEqual({
      ok: false,
      problems: [expect.stringMatching(/^not valid JSON: /)],
    });
  });
});
