import { createRequire } from 'node:module';
import fc from 'fast-check';
import { typedRequest } from '../../../lambdas/adapters/local/dynalite-types.js';

/*
 * `typedRequest` stands in for dynalite's own `checkTypes` wherever it answers: the same object, member for
 * member and in the same order, for every request of every operation itv sends; and it answers every request the
 * SDK could put on the wire, so the stand-in is the path taken, not the fallback.
 */

const fromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
const { checkTypes } = fromDynalite('./validations') as { checkTypes(data: unknown, types: object): unknown };
const operations = [
  'getItem',
  'putItem',
  'updateItem',
  'deleteItem',
  'query',
  'scan',
  'batchGetItem',
  'batchWriteItem',
];
const typesOf = Object.fromEntries(
  operations.map((name) => [name, (fromDynalite(`./validations/${name}`) as { types: object }).types]),
);

/** dynalite's answer: its value, or the refusal's message (it changes its input, so it is given a copy). */
function dynalites(request: unknown, types: object): { value: unknown } | { refused: string } {
  try {
    return { value: checkTypes(structuredClone(request), types) };
  } catch (error) {
    return { refused: (error as Error).message };
  }
}

/**
 * Members and their order, as JSON writes them (an object's own string keys, in insertion order); with `toEqual`,
 * the comparison (`toStrictEqual` would compare an own member named `constructor` as the object's class).
 */
const text = (value: unknown) => JSON.stringify(value);

/**
 * An attribute's name: any string but `__proto__`, which dynalite's own check makes the prototype of the map it
 * builds rather than a member (left to it: a test below).
 */
const memberName = fc.string().filter((name) => name !== '__proto__');
const base64 = fc.uint8Array({ maxLength: 12 }).map((bytes) => Buffer.from(bytes).toString('base64'));
const number = fc.oneof(
  fc.integer().map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
);
const { attribute } = fc.letrec<{ attribute: Record<string, unknown> }>((tie) => ({
  attribute: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ S: fc.string() }),
    fc.record({ N: number }),
    fc.record({ B: base64 }),
    fc.record({ BOOL: fc.boolean() }),
    fc.constant({ NULL: true }),
    fc.record({ SS: fc.array(fc.string(), { maxLength: 3 }) }),
    fc.record({ NS: fc.array(number, { maxLength: 3 }) }),
    fc.record({ BS: fc.array(base64, { maxLength: 3 }) }),
    fc.record({ L: fc.array(tie('attribute'), { maxLength: 3 }) }),
    fc.record({ M: fc.dictionary(memberName, tie('attribute'), { maxKeys: 3 }) }),
  ),
}));
const item = fc.dictionary(
  memberName.filter((name) => name.length > 0),
  attribute,
  { maxKeys: 5 },
);
const names = fc.dictionary(
  fc.string().map((name) => `#${name}`),
  fc.string(),
  { minKeys: 1, maxKeys: 3 },
);
const values = fc.dictionary(
  fc.string().map((name) => `:${name}`),
  attribute,
  { minKeys: 1, maxKeys: 3 },
);

/** Requests as the SDK puts them on the wire: every member of its modeled type, optional members left out. */
const wellTyped: Record<string, fc.Arbitrary<Record<string, unknown>>> = {
  getItem: fc.record(
    { TableName: fc.string(), Key: item, ConsistentRead: fc.boolean(), ProjectionExpression: fc.string() },
    { requiredKeys: ['TableName', 'Key'] },
  ),
  putItem: fc.record(
    {
      TableName: fc.string(),
      Item: item,
      ConditionExpression: fc.string(),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ReturnValues: fc.constantFrom('NONE', 'ALL_OLD'),
      ReturnConsumedCapacity: fc.constantFrom('TOTAL', 'NONE'),
    },
    { requiredKeys: ['TableName', 'Item'] },
  ),
  updateItem: fc.record(
    {
      TableName: fc.string(),
      Key: item,
      UpdateExpression: fc.string(),
      ConditionExpression: fc.string(),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ReturnValues: fc.constantFrom('NONE', 'ALL_NEW', 'UPDATED_OLD'),
    },
    { requiredKeys: ['TableName', 'Key'] },
  ),
  deleteItem: fc.record(
    {
      TableName: fc.string(),
      Key: item,
      ConditionExpression: fc.string(),
      ExpressionAttributeValues: values,
    },
    { requiredKeys: ['TableName', 'Key'] },
  ),
  query: fc.record(
    {
      TableName: fc.string(),
      IndexName: fc.string(),
      KeyConditionExpression: fc.string(),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ExclusiveStartKey: item,
      Limit: fc.integer({ min: 1, max: 1000 }),
      ScanIndexForward: fc.boolean(),
      ConsistentRead: fc.boolean(),
      Select: fc.constantFrom('ALL_ATTRIBUTES', 'COUNT'),
    },
    { requiredKeys: ['TableName'] },
  ),
  scan: fc.record(
    {
      TableName: fc.string(),
      Limit: fc.integer({ min: 1 }),
      Segment: fc.nat(),
      TotalSegments: fc.integer({ min: 1 }),
    },
    { requiredKeys: ['TableName'] },
  ),
  batchGetItem: fc.record({
    RequestItems: fc.dictionary(
      memberName,
      fc.record(
        { Keys: fc.array(item, { maxLength: 2 }), ConsistentRead: fc.boolean() },
        { requiredKeys: ['Keys'] },
      ),
      { maxKeys: 2 },
    ),
  }),
};

/** Anything at any depth: a request with a member of the wrong type, a null, a member no spec names. */
const hostile = fc.oneof(
  fc.anything({ maxDepth: 2 }),
  fc.constantFrom(
    null,
    'true',
    'no',
    1.5,
    -0,
    7,
    '',
    'QQ',
    'QQ=',
    'AB==',
    [],
    {},
    [null],
    { S: null },
    { S: 'a', N: '1' },
  ),
);
function perturbed(request: Record<string, unknown>): fc.Arbitrary<Record<string, unknown>> {
  const paths = pathsOf(request);
  return fc.tuple(fc.constantFrom(...paths), hostile, fc.boolean()).map(([path, value, asNewMember]) => {
    const copy = structuredClone(request);
    let at: Record<string, unknown> = copy;
    for (const key of path.slice(0, -1)) at = at[key] as Record<string, unknown>;
    at[asNewMember ? `${path.at(-1)}Extra` : path.at(-1)!] = value;
    return copy;
  });
}
function pathsOf(value: unknown, path: string[] = []): string[][] {
  if (typeof value !== 'object' || value === null) return [path];
  const inner = Object.entries(value).flatMap(([key, member]) => pathsOf(member, [...path, key]));
  return path.length === 0 ? inner : [path, ...inner];
}

describe('typedRequest against dynalite checkTypes', () => {
  test.each(Object.keys(wellTyped))(
    '%s: every request the SDK could send is answered, as dynalite answers it',
    (operation) => {
      fc.assert(
        fc.property(wellTyped[operation]!, (request) => {
          // Act
          const ours = typedRequest(structuredClone(request), typesOf[operation]!);
          const theirs = dynalites(request, typesOf[operation]!);
          // Assess
          expect(theirs).toHaveProperty('value');
          expect(ours).toEqual((theirs as { value: unknown }).value);
          expect(text(ours)).toBe(text((theirs as { value: unknown }).value));
        }),
        { numRuns: 300 },
      );
    },
  );

  test.each(Object.keys(wellTyped))(
    '%s: with anything anywhere, it answers as dynalite or leaves it to dynalite',
    (operation) => {
      let answered = 0;
      let left = 0;
      fc.assert(
        fc.property(
          wellTyped[operation]!.filter((request) => pathsOf(request).length > 0).chain(perturbed),
          (request) => {
            // Act
            const ours = typedRequest(structuredClone(request), typesOf[operation]!);
            const theirs = dynalites(request, typesOf[operation]!);
            // Assess: where it answers, dynalite gives that very answer; where dynalite refuses, it never answers
            if (ours === undefined) {
              left++;
              return;
            }
            answered++;
            expect(theirs).toHaveProperty('value');
            expect(ours).toEqual((theirs as { value: unknown }).value);
            expect(text(ours)).toBe(text((theirs as { value: unknown }).value));
          },
        ),
        { numRuns: 500 },
      );
      // Both kinds were seen: hostile members were left to dynalite, harmless ones (a well-typed stand-in) answered.
      expect(left).toBeGreaterThan(0);
      expect(answered).toBeGreaterThan(0);
    },
  );

  test('leaves to dynalite what it converts or drops, and what it refuses', () => {
    // Prepare
    const types = typesOf.getItem!;
    const key = { id: { S: 'a' } };
    const cases = [
      { TableName: 't', Key: key, ConsistentRead: 'true' }, // converted to true
      { TableName: 't', Key: key, Unknown: 1 }, // dropped
      { TableName: 't', Key: key, ProjectionExpression: null }, // dropped
      { TableName: 't', Key: { id: { S: 'a', N: null } } }, // dropped from the attribute value
      { TableName: 't', Key: { id: { B: 'QQ' } } }, // refused: base64 of a length not a multiple of 4
      { TableName: 7, Key: key }, // refused: a number for a string
      JSON.parse('{"TableName":"t","Key":{"__proto__":{"S":"a"}}}'), // a member dynalite's map makes its prototype
    ];
    for (const request of cases) {
      // Act
      const ours = typedRequest(structuredClone(request), types);
      // Assess
      expect(ours).toBeUndefined();
    }
    expect(cases.map((request) => 'refused' in dynalites(request, types))).toEqual([
      false,
      false,
      false,
      false,
      true,
      true,
      false,
    ]);
  });

  test('a Limit that is a fraction is floored by dynalite, so left to it', () => {
    // Prepare
    const request = { TableName: 'things', Limit: 2.5 };
    // Act
    const ours = typedRequest(structuredClone(request), typesOf.query!);
    // Assess
    expect(ours).toBeUndefined();
    expect(dynalites(request, typesOf.query!)).toEqual({ value: { TableName: 'things', Limit: 2 } });
  });
});
