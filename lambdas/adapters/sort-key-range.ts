import type { SortKeyRange } from '../ports/state-store.js';

/** Whether `sk` lies in the range, compared as DynamoDB compares strings: by their UTF-8 bytes. */
export function inSortKeyRange(sk: string, range: SortKeyRange | undefined): boolean {
  const key = Buffer.from(sk, 'utf8');
  if (range?.from !== undefined && Buffer.compare(key, Buffer.from(range.from, 'utf8')) < 0) return false;
  return range?.below === undefined || Buffer.compare(key, Buffer.from(range.below, 'utf8')) < 0;
}
