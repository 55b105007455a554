import { createLastNumbers } from '../../../bots/channels/web/last-numbers';
import { createTranscriptStore } from '../../../bots/channels/web/transcript-store';
import { useTestDatabase } from '../../support/database';

const database = useTestDatabase();
const at = new Date('2026-12-05T08:00:00Z');
/** Two transcript stores on one database: two ownerbot instances. */
const twoInstances = () =>
  [createTranscriptStore(database().connection), createTranscriptStore(database().connection)] as const;

describe('the numbers of web chat replies', () => {
  it('when two instances append to one session with out-of-date numbers in mind, then every reply lands once, numbered in the order written', async () => {
    const [first, second] = twoInstances();
    const session = 'session-numbers-0001';
    // Both pages' event streams read the empty transcript first, so both instances know "0".
    expect(await first.after(session, 0)).toEqual([]);
    expect(await second.after(session, 0)).toEqual([]);

    await first.append(session, { text: 'one' }, at);
    await second.append(session, { text: 'two' }, at); // thinks 0: finds 1 taken, reads, takes 2
    await first.append(session, { text: 'three' }, at); // thinks 1: finds 2 taken, reads, takes 3
    await second.append(session, { text: 'four' }, at);

    const records = await first.after(session, 0);
    expect(records.map((record) => [record.seq, record.text])).toEqual([
      [1, 'one'],
      [2, 'two'],
      [3, 'three'],
      [4, 'four'],
    ]);
  });

  it('when two instances with out-of-date numbers write outbox deliveries, then each delivery gets a number of its own', async () => {
    const [first, second] = twoInstances();
    const session = 'session-numbers-0003';
    await first.after(session, 0);
    await second.after(session, 0);
    // Both think the next number is 1; the ids differ (one per delivery), the numbers may not.
    await first.append(session, { text: 'one' }, at, 'reply:web:m1#0');
    await second.append(session, { text: 'two' }, at, 'reply:web:m2#0');
    const records = await first.after(session, 0);
    expect(records.map((record) => [record.seq, record.text])).toEqual([
      [1, 'one'],
      [2, 'two'],
    ]);
  });

  it('when one delivery is written again (its send repeated), then the transcript holds it once', async () => {
    const [first, second] = twoInstances();
    const session = 'session-numbers-0004';
    const written = await first.append(session, { text: 'On our way.' }, at, 'reply:web:m3#0');
    const again = await second.append(session, { text: 'On our way.' }, at, 'reply:web:m3#0');
    const repeated = await first.append(session, { text: 'On our way.' }, at, 'reply:web:m3#0');
    expect([again.id, repeated.id]).toEqual([written.id, written.id]);
    expect(again.written).toBeUndefined();
    expect((await first.after(session, 0)).map((record) => record.text)).toEqual(['On our way.']);
  });

  it('when replies race for one number on one instance, then all of them land with distinct numbers', async () => {
    const store = createTranscriptStore(database().connection);
    const session = 'session-numbers-0002';
    await Promise.all(['a', 'b', 'c', 'd', 'e'].map((text) => store.append(session, { text }, at)));
    const records = await store.after(session, 0);
    expect(records.map((record) => record.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(records.map((record) => record.text).sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
  });
});

describe('the transcripts of a database from an earlier version', () => {
  it('when it still has the former index of session numbers (not unique), then that index is dropped before the first reply', async () => {
    const collection = database().connection.collection('web_transcripts');
    await collection.createIndex({ sessionId: 1, seq: 1 }, { name: 'sessionId_1_seq_1' });
    const store = createTranscriptStore(database().connection);
    await store.append('session-numbers-0006', { text: 'Hello' }, at, 'reply:web:m6#0');
    const indexes = await collection.indexes();
    expect(indexes.map((index) => index.name)).not.toContain('sessionId_1_seq_1');
    expect(indexes.find((index) => index.name === 'sessionId_1_seq_-1')).toMatchObject({ unique: true });
  });
});

describe('the last numbers an instance remembers', () => {
  it('when a number is learned, then it is kept only if it is the latest, and forgotten after a quiet spell', () => {
    let now = 0;
    const numbers = createLastNumbers({ now: () => now });
    numbers.learn('s', 4);
    numbers.learn('s', 2); // an older read finishing late does not go back
    expect(numbers.get('s')).toBe(4);
    expect(numbers.recent('s', 1_000)).toBe(4);
    now += 1_000;
    expect(numbers.recent('s', 1_000)).toBeUndefined(); // known, but not as of a moment ago
    expect(numbers.get('s')).toBe(4);
    now += 10 * 60_000;
    expect(numbers.get('s')).toBeUndefined(); // may have been erased meanwhile: read again
    numbers.learn('s', 1);
    expect(numbers.get('s')).toBe(1);
  });

  it('when more sessions than it keeps are active, then the least recently used is forgotten first', () => {
    const numbers = createLastNumbers({ capacity: 2 });
    numbers.learn('a', 1);
    numbers.learn('b', 1);
    numbers.learn('a', 2); // 'a' used again: 'b' is now the oldest
    numbers.learn('c', 1);
    expect([numbers.get('a'), numbers.get('b'), numbers.get('c')]).toEqual([2, undefined, 1]);
  });
});
