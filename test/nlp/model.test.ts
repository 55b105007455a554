import { createUnderstanding, modelFromJSON, trainingHash, trainModel, type Correction } from '../../nlp';
import { modelTokens } from '../../nlp/model';
import { trainingExamples } from './fixtures';

describe('trainModel and createUnderstanding', () => {
  const model = trainModel({ examples: trainingExamples });
  const { understand } = createUnderstanding({ model });

  it.each([
    ['The light in the lobby is broken, please repair it', 'help_seeking', 'equipment'],
    ['How much is the property fee for a 90 square metre flat?', 'consulting', 'fees'],
    ['The security guard was so rude to me, unacceptable', 'dissatisfaction', 'service_attitude'],
    ['电梯又坏了，请派人来修', 'help_seeking', 'equipment'],
    ['物业费怎么交？', 'consulting', 'fees'],
    ['保安态度太差了', 'dissatisfaction', 'service_attitude'],
  ])('when "%s", then %s about %s', (text, intent, category) => {
    const result = understand(text);
    expect(result.intent).toBe(intent);
    expect(result.category).toBe(category);
  });

  it('when classified, then confidence is a probability and alternatives are the other intents, sorted', () => {
    const result = understand('The corridor light is not working, please fix');
    const all = [result.confidence, ...result.alternatives.map((a) => a.confidence)];
    expect(all.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(result.alternatives.map((a) => a.intent)).not.toContain(result.intent);
    expect(result.alternatives).toHaveLength(3);
    expect([...all].sort((a, b) => b - a)).toEqual(all);
  });

  it('when a message has no known token, then other with confidence 0 and fallback', () => {
    expect(understand('zxqv wqpl')).toMatchObject({
      intent: 'other',
      confidence: 0,
      fallback: true,
      alternatives: [],
    });
    expect(understand('')).toMatchObject({ intent: 'other', fallback: true, category: 'other' });
  });

  it('when the top two intents are closer than the margin, or the top is below the threshold, then fallback', () => {
    const text = 'The lift is broken, please fix it';
    expect(
      createUnderstanding({ model, confidenceThreshold: 0, ambiguityMargin: 0 }).understand(text).fallback,
    ).toBe(false);
    expect(
      createUnderstanding({ model, confidenceThreshold: 0, ambiguityMargin: 1 }).understand(text).fallback,
    ).toBe(true);
    expect(
      createUnderstanding({ model, confidenceThreshold: 1, ambiguityMargin: 0 }).understand(text).fallback,
    ).toBe(true);
  });

  it('when a message reports an emergency, then it says so whatever the intent', () => {
    expect(understand('Help, we are trapped in the lift!').emergency).toMatchObject({
      kind: 'lift_entrapment',
    });
    expect(understand('The lift is broken, please fix it').emergency).toBeUndefined();
  });

  it('when an emergency is worded like a complaint, then the intent is help_seeking, not the model guess', () => {
    // The model alone reads the first as a complaint, so the rule is what is tested.
    const [guess] = model.classifyIntent(
      modelTokens('Why is nobody doing anything, there is smoke pouring out of the bin room'),
    );
    expect(guess?.label).toBe('dissatisfaction');
    for (const text of [
      'Why is nobody doing anything, there is smoke pouring out of the bin room',
      '车棚里电瓶车自燃了，你们保安呢？',
    ]) {
      const result = understand(text);
      expect(result.emergency).toBeDefined();
      expect(result).toMatchObject({ intent: 'help_seeking', confidence: 1, fallback: false });
    }
    // A staff correction still wins over the detector's reading.
    const text = 'Why is nobody doing anything, there is smoke pouring out of the bin room';
    const corrected = trainModel({
      examples: trainingExamples,
      corrections: [{ text, intent: 'dissatisfaction', category: 'security' }],
    });
    expect(createUnderstanding({ model: corrected }).understand(text)).toMatchObject({
      intent: 'dissatisfaction',
      category: 'security',
    });
  });
});

describe('the second opinion, danger words and requests for a person', () => {
  const model = trainModel({ examples: trainingExamples });
  /** The trained model with its learned emergency score pinned, to test what each score does. */
  const scoring = (score: number) =>
    createUnderstanding({ model: { ...model, emergencyScore: () => score } });

  it('when the rules fire, then the emergency is theirs and its kind decides the category', () => {
    const result = scoring(0).understand('I smell gas in the stairwell, it is really strong');
    expect(result.emergency).toMatchObject({ kind: 'gas', source: 'rules' });
    expect(result).toMatchObject({ intent: 'help_seeking', category: 'safety', urgentReview: false });
  });

  it('when the rules are silent and the learned score is confident, then an emergency from the model', () => {
    const result = scoring(0.95).understand('the whole corridor upstairs looks hazy, something weird');
    expect(result.emergency).toMatchObject({ kind: 'unspecified', source: 'model' });
    expect(result).toMatchObject({ intent: 'help_seeking', fallback: false });
  });

  it('when the learned score is confident and a danger word names the hazard, then that kind', () => {
    const result = scoring(0.7).understand('is that smoke or just steam from the vent, not sure');
    expect(result.emergency).toMatchObject({ kind: 'fire', source: 'model', evidence: 'smoke' });
    expect(result.category).toBe('safety');
  });

  it('when the learned score is borderline, then no emergency but an urgent review by a person', () => {
    const result = scoring(0.5).understand('the whole corridor upstairs looks hazy, something weird');
    expect(result.emergency).toBeUndefined();
    expect(result.urgentReview).toBe(true);
    expect(scoring(0.1).understand('the whole corridor upstairs looks hazy').urgentReview).toBe(false);
  });

  it('when a message only mentions a danger, then no emergency but its danger words are listed', () => {
    const result = scoring(0).understand('what should I do if there is a fire at night?');
    expect(result.emergency).toBeUndefined();
    expect(result.dangerWords).toEqual(['fire']);
  });

  it('when the owner asks for a person, then a handover request of no category', () => {
    for (const text of ['人工', 'agent', '我想搵真人', 'can I talk to a real person please']) {
      expect(scoring(0).understand(text)).toMatchObject({
        handoverRequest: true,
        intent: 'other',
        category: 'other',
        fallback: false,
      });
    }
    expect(scoring(0).understand('电梯坏了，转人工').handoverRequest).toBe(false);
  });

  it('when the owner writes Traditional Chinese or Cantonese, then its language and script say so', () => {
    expect(scoring(0).understand('電梯壞了，請派人來修')).toMatchObject({
      language: 'zh-Hant',
      script: 'Hant',
    });
    expect(scoring(0).understand('部𨋢壞咗')).toMatchObject({ language: 'yue', script: 'Hant' });
    expect(scoring(0).understand('电梯坏了')).toMatchObject({ language: 'zh', script: 'Hans' });
    expect(scoring(0).understand('lift broken').script).toBeUndefined();
  });

  it('when a corpus example has an emergency flag, then the learned score rises for such messages', () => {
    const flagged = trainModel({
      examples: [
        ...trainingExamples.map((example) => ({ ...example, emergency: false })),
        ...['there is smoke everywhere', 'smoke in the corridor', 'thick smoke downstairs'].map((text) => ({
          text,
          intent: 'help_seeking' as const,
          category: 'safety' as const,
          emergency: true,
        })),
      ],
    });
    const { understand } = createUnderstanding({ model: flagged });
    expect(understand('smoke smoke smoke').emergencyScore).toBeGreaterThan(
      understand('how much is the fee').emergencyScore,
    );
  });
});

describe('learning from staff corrections', () => {
  const text = 'The parcel locker ate my delivery again';
  const before = createUnderstanding({ model: trainModel({ examples: trainingExamples }) }).understand(text);
  const correction: Correction = { text, intent: 'dissatisfaction', category: 'service_quality' };

  it('when the base model gets a message wrong, then this test is meaningful', () => {
    expect([before.intent, before.category]).not.toEqual(['dissatisfaction', 'service_quality']);
  });

  it('when staff correct a message, then that exact message classifies as corrected next time', () => {
    const model = trainModel({ examples: trainingExamples, corrections: [correction] });
    const { understand } = createUnderstanding({ model });
    expect(understand(text)).toMatchObject({
      intent: 'dissatisfaction',
      category: 'service_quality',
      confidence: 1,
      fallback: false,
    });
    expect(understand('the parcel locker ATE my delivery again!!')).toMatchObject({
      intent: 'dissatisfaction',
    });
  });

  it('when the same text is corrected twice, then the last correction wins', () => {
    const model = trainModel({
      examples: trainingExamples,
      corrections: [correction, { text, intent: 'help_seeking', category: 'equipment' }],
    });
    expect(createUnderstanding({ model }).understand(text)).toMatchObject({
      intent: 'help_seeking',
      category: 'equipment',
    });
  });

  it('when corrections are added, then the training hash changes', () => {
    expect(trainingHash({ examples: trainingExamples, corrections: [correction] })).not.toBe(
      trainingHash({ examples: trainingExamples }),
    );
    expect(trainingHash({ examples: trainingExamples })).toBe(
      trainingHash({ examples: [...trainingExamples] }),
    );
  });
});

describe('model serialization', () => {
  const model = trainModel({
    examples: trainingExamples,
    corrections: [{ text: 'parcel locker jammed', intent: 'help_seeking', category: 'equipment' }],
  });

  it('when a model goes through JSON and back, then it classifies exactly as before', () => {
    const restored = modelFromJSON(JSON.parse(JSON.stringify(model.toJSON())));
    expect(restored?.trainingHash).toBe(model.trainingHash);
    const a = createUnderstanding({ model });
    const b = createUnderstanding({ model: restored! });
    for (const text of ['电梯坏了', 'how much is the fee?', 'parcel locker jammed', 'rude guard', 'hello']) {
      expect(b.understand(text)).toEqual(a.understand(text));
    }
  });

  it('when the JSON is of another version or not a model, then undefined (retrain)', () => {
    expect(modelFromJSON({ ...model.toJSON(), version: -1 })).toBeUndefined();
    expect(modelFromJSON({ format: 'something else' })).toBeUndefined();
    expect(modelFromJSON(null)).toBeUndefined();
    expect(modelFromJSON({ ...model.toJSON(), intent: { kind: 'mystery' } })).toBeUndefined();
  });
});
