import { firstBy, newestFirst, oldestFirst } from '../../../services/reports/first-by';

interface Item {
  name: string;
  createdAt: Date;
}
const at = (day: number, name: string): Item => ({ name, createdAt: new Date(Date.UTC(2026, 0, day)) });

describe('firstBy', () => {
  // Arrival order shuffled on purpose: the refresh reads cases in the database's natural order.
  const arrivals = [12, 3, 25, 7, 1, 19, 30, 8, 2, 14, 5].map((day) => at(day, `d${day}`));

  it('keeps the oldest items whatever order they arrive in', () => {
    const oldest = firstBy<Item>(3, oldestFirst);
    for (const item of arrivals) oldest.add(item);
    expect(oldest.list().map((i) => i.name)).toEqual(['d1', 'd2', 'd3']);
  });

  it('keeps the newest items, newest first', () => {
    const newest = firstBy<Item>(4, newestFirst);
    for (const item of arrivals) newest.add(item);
    expect(newest.list().map((i) => i.name)).toEqual(['d30', 'd25', 'd19', 'd14']);
  });

  it('keeps arrival order between equal ranks and returns fewer items than asked when fewer came', () => {
    const kept = firstBy<Item>(5, oldestFirst);
    for (const item of [at(4, 'first'), at(4, 'second'), at(2, 'earlier')]) kept.add(item);
    expect(kept.list().map((i) => i.name)).toEqual(['earlier', 'first', 'second']);
  });
});
