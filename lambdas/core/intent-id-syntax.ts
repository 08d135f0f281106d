/**
 * Why an id of dots alone names no intent: a URL or a storage key reads `.` and `..` as path steps (`new URL`
 * turns `/intents/..` into `/`, `bundles/../` leaves the intent's folder), and every id of dots alone is kept out
 * with them rather than made a special case of a longer run.
 */
export const onlyDotsReason =
  'must not be only dots: "." and ".." are path steps to a URL or a storage key, not names';

/** An id of dots alone (`.`, `..`, `...`): no intent's, however it was made. */
export function isOnlyDots(id: string): boolean {
  return /^\.+$/.test(id);
}

/**
 * What an intent's id may be: its own (1 to 128 of these characters), a derived one, or an attempt of either
 * (`<id>:attempt-<n>`); the evidence store's keys allow the same 256 at most. Never dots alone (`onlyDotsReason`).
 */
export function isPossibleIntentId(id: string): boolean {
  return /^[A-Za-z0-9._:-]{1,256}$/.test(id) && !isOnlyDots(id);
}
