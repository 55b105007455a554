import { timingSafeEqual } from 'node:crypto';

/** Compares a secret someone sent with ours in constant time (no early exit that leaks a prefix). */
export function sameSecret(given: string | undefined, expected: string): boolean {
  const a = Buffer.from(given ?? '');
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
