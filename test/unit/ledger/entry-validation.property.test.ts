import fc from 'fast-check';
import { InvalidInputError } from '../../../lambdas/core/errors.js';
import { plainlyAppendable } from '../../../lambdas/core/ledger/appendable.js';
import {
  assertAppendable,
  ledgerEntryDraftSchema,
  ledgerNameSchema,
} from '../../../lambdas/core/ledger/entry.js';
import type { LedgerEntryDraft } from '../../../lambdas/ports/ledger-store.js';

/*
 * plainlyAppendable recognises the common valid draft without the schemas, for speed, and leaves everything else to
 * assertAppendable. Together their verdict must be the schemas' for every input: a draft is refused exactly when
 * ledgerNameSchema or ledgerEntryDraftSchema refuses it. The drafts generated here sit near each rule's edge.
 */

const valid = {
  intentId: 'int-1',
  type: 'release.step',
  idempotencyKey: 'int-1/step-1',
  timestamp: '2026-11-01T00:00:00.000Z',
  payload: { percentage: 5 },
};

class Payload {
  percentage = 5;
}

const anyValue = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.integer(),
  fc.boolean(),
  fc.string({ maxLength: 4 }),
  fc.constant([]),
  fc.constant({}),
);

const idLike = fc.oneof(
  fc.string({ minLength: 0, maxLength: 3 }),
  fc.constantFrom(255, 256, 257).map((length) => 'i'.repeat(length)),
  fc.constant('int-é/~'),
  anyValue,
);

const typeLike = fc.oneof(
  fc.constantFrom(
    'release.step',
    'intent',
    'a.b-c.d0',
    'A.b',
    'a..b',
    'a.',
    '.a',
    'a-b.c_d',
    '1a',
    'a.1b',
    '',
  ),
  anyValue,
);

const timestampLike = fc.oneof(
  fc.constantFrom(
    '2026-11-01T00:00:00Z',
    '2026-11-01T00:00:00.123456789+05:30',
    '2026-11-01T00:00Z',
    '2026-11-01T00:00:00',
    '2026-02-29T00:00:00Z',
    '2024-02-29T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-04-31T00:00:00Z',
    '2026-11-01T24:00:00Z',
    '2026-11-01T00:00:00+24:00',
    '2026-11-01 00:00:00Z',
    'next tuesday',
  ),
  fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
  anyValue,
);

const payloadLike = fc.oneof(
  fc.dictionary(fc.string({ maxLength: 3 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
  fc.constant(Object.create(null) as object),
  fc.constant({ constructor: 'x' }),
  fc.constant({ constructor: () => 0 }),
  fc.constant({ [Symbol('s')]: 1 }),
  fc.constant(new Payload()),
  fc.constant(new Date(0)),
  fc.constant([1]),
  anyValue,
);

/** A value for each field of a draft, and for one field more. */
const fieldValues = {
  intentId: idLike,
  type: typeLike,
  idempotencyKey: idLike,
  timestamp: timestampLike,
  payload: payloadLike,
  extra: anyValue,
};

/** The valid draft with one field changed or added (most often), or several changed, removed, or joined by another. */
const oneChanged = fc
  .record(fieldValues)
  .chain((changes) =>
    fc.constantFrom(...Object.entries(changes)).map(([key, value]) => ({ ...valid, [key]: value })),
  );

const severalChanged = fc
  .record(fieldValues, { requiredKeys: [] })
  .chain((changes) =>
    fc.constantFrom(
      { ...valid, ...changes },
      Object.fromEntries(Object.entries({ ...valid, ...changes }).filter(([key]) => key !== 'extra')),
      Object.fromEntries(Object.entries(valid).filter(([key]) => !(key in changes))),
    ),
  );

const draftLike = fc.oneof(oneChanged, severalChanged);

const ledgerLike = fc.oneof(
  fc.constantFrom('main', 'main.0', 'a_b-C9', '', 'main#idem', 'mäin', 'x'.repeat(128), 'x'.repeat(129)),
  fc.string({ maxLength: 4 }),
);

/** The schemas' verdict: what assertAppendable must answer. */
function schemasAccept(ledger: unknown, draft: unknown): boolean {
  return ledgerNameSchema.safeParse(ledger).success && ledgerEntryDraftSchema.safeParse(draft).success;
}

/** The sole writer's check: the quick yes, else the schemas. */
function refused(ledger: unknown, draft: unknown): boolean {
  try {
    if (!plainlyAppendable(ledger, draft)) assertAppendable(ledger as string, draft as LedgerEntryDraft);
    return false;
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    return true;
  }
}

describe('plainlyAppendable, then assertAppendable', () => {
  test('refuses exactly what the schemas refuse', () => {
    fc.assert(
      fc.property(ledgerLike, draftLike, (ledger, draft) => {
        expect(refused(ledger, draft)).toBe(!schemasAccept(ledger, draft));
      }),
      { numRuns: 3000 },
    );
  });

  test.each([
    ['a 257-character intent id', { ...valid, intentId: 'i'.repeat(257) }],
    ['an impossible date', { ...valid, timestamp: '2026-02-30T00:00:00Z' }],
    ['a field more', { ...valid, note: 'x' }],
    ['a payload made by a class', { ...valid, payload: new Payload() }],
    ['a payload with a symbol key', { ...valid, payload: { [Symbol('s')]: 1 } }],
    ['a payload whose constructor has no prototype', { ...valid, payload: { constructor: () => 0 } }],
    [
      'a draft without its payload',
      { intentId: 'i', type: 'a', idempotencyKey: 'i/1', timestamp: valid.timestamp },
    ],
  ])('refuses %s, naming the field', (_name, draft) => {
    // Act
    const quickYes = plainlyAppendable('main', draft);
    const thrown = (() => {
      try {
        assertAppendable('main', draft as LedgerEntryDraft);
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    // Assess
    expect(quickYes).toBe(false);
    expect(thrown).toBeInstanceOf(InvalidInputError);
    expect(JSON.stringify((thrown as InvalidInputError).issues)).toMatch(/intentId|timestamp|note|payload/);
  });

  test('refuses a draft that is not a plain object, even one holding valid fields', () => {
    class Draft {
      intentId = valid.intentId;
      type = valid.type;
      idempotencyKey = valid.idempotencyKey;
      timestamp = valid.timestamp;
      payload = valid.payload;
    }
    for (const draft of [
      null,
      [],
      'int-1',
      new Draft(),
      Object.assign(Object.create({ inherited: 1 }), valid),
    ]) {
      expect(refused('main', draft)).toBe(!schemasAccept('main', draft));
    }
    expect(refused('main', null)).toBe(true);
  });

  test('accepts a plain draft, and one whose payload has no prototype', () => {
    expect(refused('main', valid)).toBe(false);
    expect(refused('main', { ...valid, payload: Object.assign(Object.create(null), { a: 1 }) })).toBe(false);
  });
});
