import fc from 'fast-check';
import { fromTheWire, onTheWire } from '../../../lambdas/adapters/local/dynalite-wire.js';

/*
 * The owner's direct dynalite client copies a call's input and result in one walk each way. What each side
 * gets must be what a trip through JSON gives it (as the SDK and dynalite exchange it over HTTP): the
 * references below are that trip written out.
 */

/** The input on the wire: JSON with each Uint8Array in base64. */
const wireReference = (input: unknown) =>
  JSON.parse(
    JSON.stringify(input, (_key, value) =>
      value instanceof Uint8Array && !Buffer.isBuffer(value)
        ? Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64')
        : value,
    ),
  );

/** The result back: JSON, each { B } and { BS } of base64 decoded to bytes. */
const resultReference = (result: unknown) =>
  JSON.parse(JSON.stringify(result), (_key, value) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
    const keys = Object.keys(value);
    if (keys.length !== 1) return value;
    if (keys[0] === 'B' && typeof value.B === 'string')
      return { B: new Uint8Array(Buffer.from(value.B, 'base64')) };
    if (keys[0] === 'BS' && Array.isArray(value.BS) && value.BS.every((v: unknown) => typeof v === 'string'))
      return { BS: value.BS.map((v: string) => new Uint8Array(Buffer.from(v, 'base64'))) };
    return value;
  });

const bytes = fc.uint8Array({ maxLength: 12 });
const base64 = bytes.map((b) => Buffer.from(b).toString('base64'));
/** JSON-like values with what JSON drops or changes: undefined members and items, NaN, Infinity. */
const loose = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 6 }), tie('value'), { maxKeys: 4 }),
  ),
})).value;
/** A call's input or result is always some value (an object, in fact). */
const defined = loose.filter((value) => value !== undefined);
/** DynamoDB attribute values, binary ones included, inside items, maps and lists. */
const attribute = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.record({ S: fc.string() }),
    fc.record({ N: fc.integer().map(String) }),
    fc.record({ B: bytes }),
    fc.record({ BS: fc.array(bytes, { minLength: 1, maxLength: 3 }) }),
    fc.record({ L: fc.array(tie('value'), { maxLength: 3 }) }),
    fc.record({ M: fc.dictionary(fc.string({ maxLength: 6 }), tie('value'), { maxKeys: 3 }) }),
  ),
})).value;
const item = fc.dictionary(fc.string({ maxLength: 8 }), attribute, { maxKeys: 5 });

describe("the direct dynalite client's copies each way", () => {
  test('the input goes on the wire as JSON would carry it, binary values in base64', () => {
    fc.assert(
      fc.property(
        fc.oneof(defined, fc.record({ TableName: fc.string(), Item: item, Limit: fc.nat() })),
        (input) => {
          expect(onTheWire(input)).toEqual(wireReference(input));
        },
      ),
      { numRuns: 1000 },
    );
  });

  test('the result comes back as JSON would carry it, { B } and { BS } decoded to bytes', () => {
    const onWire = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.record({ S: fc.string() }),
        fc.record({ B: base64 }),
        fc.record({ BS: fc.array(base64, { maxLength: 3 }) }),
        fc.record({ B: base64, extra: fc.constant(undefined) }),
        fc.record({ B: fc.integer() }),
        fc.array(tie('value'), { maxLength: 3 }),
        fc.dictionary(fc.string({ maxLength: 6 }), tie('value'), { maxKeys: 3 }),
      ),
    })).value;
    fc.assert(
      fc.property(
        fc.oneof(defined, fc.record({ Items: fc.array(onWire, { maxLength: 3 }), Count: fc.nat() })),
        (result) => {
          expect(fromTheWire(result)).toEqual(resultReference(result));
        },
      ),
      { numRuns: 1000 },
    );
  });

  test('a copy shares nothing with what it was made from, and a member named __proto__ stays a member', () => {
    const result = { Item: { pk: { S: 'a' }, list: { L: [{ N: '1' }] } } };
    const copy = fromTheWire(result) as typeof result;
    copy.Item.list.L[0]!.N = '2';
    expect(result.Item.list.L[0]!.N).toBe('1');

    const input = JSON.parse('{"Item":{"__proto__":{"S":"x"}}}');
    const sent = onTheWire(input) as { Item: Record<string, unknown> };
    expect(Object.keys(sent.Item)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(sent.Item)).toBe(Object.prototype);
  });
});
