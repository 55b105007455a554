import pino from 'pino';
import { createFakeClock } from '../../../services/clock';
import { createFaqStore } from '../../../services/knowledge/faq-store';
import { loadSampleFaq, type FaqFile } from '../../../nlp';
import { useTestDatabase } from '../../support/database';

const database = useTestDatabase();

const ownFaq: FaqFile = {
  name: 'Riverside Court FAQ',
  entries: [
    {
      id: 'gym-hours',
      topic: 'Gym opening hours',
      category: 'other',
      questions: {
        zh: ['健身房几点开门？', '健身房开放时间'],
        en: ['When does the gym open?', 'gym opening hours'],
      },
      answer: { zh: '健身房每天 6:00-22:00 开放。', en: 'The gym is open daily from 6:00 to 22:00.' },
    },
  ],
};

describe('FAQ store', () => {
  it('when nothing was imported, then the shipped sample answers, marked as the sample', async () => {
    const store = createFaqStore({ connection: database().connection, clock: createFakeClock() });
    const active = await store.active();
    expect(active.source).toBe('sample');
    expect(active.file.entries.length).toBe(loadSampleFaq().entries.length);
    expect(active.file.entries.length).toBeGreaterThanOrEqual(40);
  });

  it('when the sample is active, then the log warns once, however often it is read', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => lines.push(line) });
    const clock = createFakeClock();
    const store = createFaqStore({ connection: database().connection, clock, refreshMs: 1_000, logger });
    await store.active();
    clock.advance(1_001);
    await store.active();
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 40, msg: expect.stringContaining('sample FAQ') });
  });

  it('when an operator imports their file, then it replaces the sample for every store on the database', async () => {
    const clock = createFakeClock();
    const importer = createFaqStore({ connection: database().connection, clock });
    const reader = createFaqStore({ connection: database().connection, clock, refreshMs: 1_000 });
    await reader.active(); // caches the sample

    await importer.importFile(ownFaq, 'riverside.json');
    expect((await reader.active()).source).toBe('sample'); // still within its refresh interval
    clock.advance(1_001);

    const active = await reader.active();
    expect(active.source).toBe('imported');
    expect(active.index.answer('what time does the gym open', 'en')?.entry.id).toBe('gym-hours');
    expect(active.index.answer('健身房几点开', 'zh')?.entry.answer.zh).toContain('6:00');
    expect(active.index.answer('how do I pay the property fee', 'en')).toBeUndefined();
  });
});
