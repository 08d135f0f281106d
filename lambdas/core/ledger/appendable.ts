import { EVENT_TYPE, LEDGER_NAME, timestampSchema } from './entry.js';

const DRAFT_FIELDS = ['intentId', 'type', 'idempotencyKey', 'timestamp', 'payload'];

/**
 * A quick yes to the common draft, for a writer whose appends cost microseconds (the local stack's sole writer),
 * where the schemas' parse costs several times as much and leaves garbage:
 * `if (!plainlyAppendable(ledger, draft)) assertAppendable(ledger, draft)`.
 *
 * True only for what `ledgerNameSchema` and `ledgerEntryDraftSchema` accept, by their rules and patterns: a plain
 * object with exactly the draft's fields, each of the right form, and a payload that is a plain object with string
 * keys only. False leaves the case to `assertAppendable`, which accepts it or names what is wrong
 * (test/unit/ledger/entry-validation.property.test.ts holds this to "never accepts what the schemas refuse").
 * Kept apart from entry.ts so that the Lambda bundles, whose appends cost milliseconds, do not carry it.
 */
export function plainlyAppendable(ledger: unknown, draft: unknown): boolean {
  if (typeof ledger !== 'string' || !LEDGER_NAME.test(ledger)) return false;
  if (!isPlainRecord(draft)) return false;
  // A field left out is undefined below, which no test passes.
  for (const key in draft) if (!DRAFT_FIELDS.includes(key)) return false;
  const { intentId, type, idempotencyKey, timestamp, payload } = draft;
  return (
    isBoundedString(intentId) &&
    typeof type === 'string' &&
    EVENT_TYPE.test(type) &&
    isBoundedString(idempotencyKey) &&
    typeof timestamp === 'string' &&
    timestampSchema.safeParse(timestamp).success &&
    isPlainRecord(payload) &&
    Object.getOwnPropertySymbols(payload).length === 0
  );
}

const isBoundedString = (value: unknown) =>
  typeof value === 'string' && value.length >= 1 && value.length <= 256;

/** An object made by a literal or JSON.parse (or with a null prototype), with no property named `constructor`. */
function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return (prototype === Object.prototype || prototype === null) && !Object.hasOwn(value, 'constructor');
}
