import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Whether `presented` is `expected`, compared in constant time: both are digested first, so the comparison
 * takes as long whatever was presented, and neither an early mismatch nor a length tells a guesser anything
 * (`timingSafeEqual` itself throws on buffers of different lengths).
 */
export function sameSecret(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(presented), digest(expected));
}
