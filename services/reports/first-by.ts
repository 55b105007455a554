/**
 * The first `size` items by `rank` (smallest first) of items that arrive in any order, in
 * memory bounded by twice `size`. Lets the refresh read cases in the database's natural
 * order (streamed batch by batch) instead of asking it to sort a whole collection first.
 * Items of equal rank keep their arrival order.
 */
export interface FirstBy<T> {
  add(item: T): void;
  /** The kept items, first rank first. */
  list(): T[];
}

export function firstBy<T>(size: number, rank: (item: T) => number): FirstBy<T> {
  let items: T[] = [];
  const trim = () => {
    items.sort((a, b) => rank(a) - rank(b));
    if (items.length > size) items = items.slice(0, size);
  };
  return {
    add(item: T): void {
      items.push(item);
      if (items.length >= 2 * size) trim();
    },
    list(): T[] {
      trim();
      return [...items];
    },
  };
}

/** Oldest first by `createdAt`. */
export const oldestFirst = (item: { createdAt: Date }): number => item.createdAt.getTime();

/** Newest first by `createdAt`. */
export const newestFirst = (item: { createdAt: Date }): number => -item.createdAt.getTime();
