import {
  createFaqIndex,
  evaluateFaq,
  loadFaqQuestions,
  parseFaqFile,
  validateFaqFile,
  type FaqEntry,
} from '../../nlp/faq';

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

  it('when the threshold is raised, then only a close question matches', () => {
    const strict = createFaqIndex(entries, { threshold: 0.9 });
    expect(strict.answer('How do I pay the property fee?', 'en')?.entry.id).toBe('fee-payment');
    expect(strict.answer('fee', 'en')).toBeUndefined();
  });

  it("when an owner uses a synonym of the entry's words, then the entry still answers", () => {
    expect(faq.answer('do you take Alipay for the property fee?', 'en')?.entry.id).toBe('fee-payment');
    expect(faq.answer('物业费能用支付宝吗', 'zh')?.entry.id).toBe('fee-payment');
  });

  it("when a question matches only an entry's answer or topic, then that entry is found", () => {
    expect(faq.rank('mini-program', 'en')[0]?.entry.id).toBe('fee-payment');
    expect(faq.rank('Renovation hours', 'en')[0]?.entry.id).toBe('renovation-hours');
  });

  it('when two entries are about equally close, then no answer rather than a guess', () => {
    const twins = createFaqIndex([
      entries[0] as FaqEntry,
      { ...(entries[0] as FaqEntry), id: 'fee-payment-copy', answer: { en: 'Something else.' } },
    ]);
    expect(twins.rank('How do I pay the property fee?', 'en')).toHaveLength(2);
    expect(twins.answer('How do I pay the property fee?', 'en')).toBeUndefined();
  });

  it('when a match is returned, then it carries the answer in the asked language and its lead', () => {
    const match = faq.answer('周末可以装修吗？', 'zh');
    expect(match).toMatchObject({ answer: '工作日8:00-12:00、14:00-18:00。', language: 'zh' });
    expect(match?.margin).toBeGreaterThanOrEqual(0.1);
  });
});

describe('a knowledge base in one language', () => {
  const chineseOnly: FaqEntry[] = [
    {
      id: 'gym',
      topic: '健身房',
      category: 'other',
      questions: { zh: ['健身房几点开门？', '健身房开放时间'] },
      answer: { zh: '健身房每天 6:00-22:00 开放。' },
    },
  ];

  it('when the file has only Chinese entries, then it is valid and answers Chinese questions', () => {
    expect(validateFaqFile({ name: '中文', entries: chineseOnly })).toMatchObject({ ok: true });
    expect(createFaqIndex(chineseOnly).answer('健身房什么时候开门', 'zh')?.answer).toContain('6:00');
  });

  it('when an owner asks in a language the base does not have, then no answer (staff answer)', () => {
    expect(createFaqIndex(chineseOnly).answer('when does the gym open', 'en')).toBeUndefined();
  });

  it('when the file has only English entries, then it is valid', () => {
    const englishOnly = [
      {
        ...chineseOnly[0],
        topic: 'Gym',
        questions: { en: ['When does the gym open?'] },
        answer: { en: 'At six.' },
      },
    ];
    expect(validateFaqFile({ name: 'English', entries: englishOnly })).toMatchObject({ ok: true });
    expect(createFaqIndex(englishOnly as FaqEntry[]).answer('gym opening time', 'en')?.answer).toBe(
      'At six.',
    );
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
        { ...entries[1], id: 'no-questions', questions: {} },
      ],
    };
    const result = validateFaqFile(bad);
    expect(result.ok).toBe(false);
    const problems = result.ok ? [] : result.problems;
    expect(problems).toEqual(
      expect.arrayContaining([
        'name: name must not be empty',
        expect.stringMatching(/^entries\[0\]\.category: category must be one of: equipment/),
        'entries[1].questions.en: is empty; leave it out if the entry has no English questions',
        'entries[2].answer.en: missing: an entry with English questions needs an English answer',
        'entries[3].id: duplicate id "fee-payment" (first used by entries[0])',
        'entries[4].questions: needs at least one question, in Chinese or English',
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

describe('evaluateFaq', () => {
  const faq = createFaqIndex(entries);

  it('when questions are right, wrong or handed over, then each is counted and the rates follow', () => {
    const result = evaluateFaq(faq, [
      { text: 'How do I pay the property fee?', language: 'en', expected: 'fee-payment' },
      { text: 'Can I renovate on weekends?', language: 'en', expected: 'fee-payment' },
      { text: 'my cat likes the sunshine', language: 'en', expected: null },
      { text: 'Can I pay the property fee by WeChat?', language: 'en', expected: null },
    ]);
    expect(result).toMatchObject({ count: 4, answerable: 2, right: 1, wrong: 2, handedOver: 1 });
    expect(result.top1Accuracy).toBe(0.5);
    expect(result.wrongAnswerRate).toBe(0.5);
    expect(result.mistakes).toHaveLength(2);
  });

  it('when the shipped question sets are read, then every line names a language and an entry or null', () => {
    for (const split of ['dev', 'test'] as const) {
      const questions = loadFaqQuestions(split);
      expect(questions.length).toBeGreaterThanOrEqual(60);
      expect(questions.some((question) => question.expected === null)).toBe(true);
    }
  });
});
