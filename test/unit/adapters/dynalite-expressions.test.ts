import { createRequire } from 'node:module';
import { memoiseExpressionParsers } from '../../../lambdas/adapters/local/dynalite-expressions.js';

/*
 * A kept parse must answer exactly as dynalite's own parser: the same tree (with this request's values in it),
 * the same refusal, the same names and values marked used — whatever the values, types and earlier parses.
 */

const fromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
type Parse = (expression: string, options: { context: object }) => unknown;
const modules = {
  condition: fromDynalite('./db/conditionParser') as { parse: Parse },
  update: fromDynalite('./db/updateParser') as { parse: Parse },
};
const db = fromDynalite('./db') as { compare: unknown };
// The module's own parse, taken before anything wraps it; each test wraps a holder of its own.
const raw = { condition: modules.condition.parse, update: modules.update.parse };
const isReserved = (name: string) => ['DATA', 'NAME', 'VALUE', 'TYPE'].includes(name.toUpperCase());

function memoised(): Record<keyof typeof raw, { parse: Parse }> {
  const holders = { condition: { parse: raw.condition }, update: { parse: raw.update } };
  memoiseExpressionParsers(Object.values(holders));
  return holders;
}

function objectsIn(tree: unknown, found = new Set<unknown>()): Set<unknown> {
  if (tree === null || typeof tree !== 'object' || found.has(tree)) return found;
  found.add(tree);
  for (const child of Object.values(tree)) objectsIn(child, found);
  return found;
}

interface Request {
  names?: Record<string, string>;
  values?: Record<string, object>;
  isKeyCondition?: boolean;
}

/** A context as dynalite's validateExpressions builds it: every name and value unused. */
function contextOf({ names, values, isKeyCondition }: Request) {
  const unused = (map?: object) => Object.fromEntries(Object.keys(map ?? {}).map((k) => [k, true]));
  return {
    attrNames: names,
    attrVals: values,
    unusedAttrNames: unused(names),
    unusedAttrVals: unused(values),
    isReserved,
    compare: db.compare,
    ...(isKeyCondition ? { isKeyCondition } : {}),
  };
}

/** What one parse gives: its tree or refusal, and what it left unused. */
function outcome(parse: Parse, expression: string, context: ReturnType<typeof contextOf>) {
  let result: unknown;
  try {
    result = parse(expression, { context });
  } catch (error) {
    result = { thrown: (error as Error).message };
  }
  return { result, unusedNames: context.unusedAttrNames, unusedValues: context.unusedAttrVals };
}

function expectSame(
  memo: Record<keyof typeof raw, { parse: Parse }>,
  grammar: keyof typeof raw,
  expression: string,
  request: Request,
) {
  const expected = outcome(raw[grammar], expression, contextOf(request));
  const context = contextOf(request);
  const actual = outcome(memo[grammar].parse, expression, context);
  expect(actual).toEqual(expected);
  return { actual, context };
}

const S = (s: string) => ({ S: s });
const N = (n: string) => ({ N: n });

const cases: Array<[keyof typeof raw, string, Request[]]> = [
  ['condition', 'attribute_not_exists(#s)', [{ names: { '#s': 'sk' } }, { names: { '#s': 'pk' } }]],
  ['condition', 'attribute_not_exists(seq)', [{}, {}]],
  [
    'condition',
    '#v = :expected',
    [
      { names: { '#v': 'version' }, values: { ':expected': N('3') } },
      { names: { '#v': 'version' }, values: { ':expected': N('4') } },
      { names: { '#v': 'version' }, values: { ':expected': S('4') } },
    ],
  ],
  [
    'condition',
    'pk = :pk AND begins_with(sk, :p)',
    [
      { values: { ':pk': S('a'), ':p': S('x#') }, isKeyCondition: true },
      { values: { ':pk': S('b'), ':p': S('y#') }, isKeyCondition: true },
      { values: { ':pk': S('b'), ':p': N('1') }, isKeyCondition: true },
    ],
  ],
  [
    'condition',
    'begins_with(#a, :v)',
    [
      { names: { '#a': 'a' }, values: { ':v': S('x') } },
      { names: { '#a': 'a' }, values: { ':v': N('1') } },
    ],
  ],
  [
    'condition',
    'size(#a) > :n OR NOT contains(#b, :m)',
    [
      { names: { '#a': 'a', '#b': 'b' }, values: { ':n': N('1'), ':m': S('q') } },
      { names: { '#a': 'a', '#b': 'b' }, values: { ':n': N('9'), ':m': S('r') } },
    ],
  ],
  [
    'condition',
    '#a IN (:x, :y)',
    [
      { names: { '#a': 'a' }, values: { ':x': S('1'), ':y': S('2') } },
      { names: { '#a': 'a' }, values: { ':x': S('3'), ':y': N('4') } },
    ],
  ],
  [
    'condition',
    '#a BETWEEN :lo AND :hi',
    [
      { names: { '#a': 'a' }, values: { ':lo': N('1'), ':hi': N('2') } },
      { names: { '#a': 'a' }, values: { ':lo': N('3'), ':hi': N('2') } },
    ],
  ],
  [
    'condition',
    'attribute_type(#a, :t)',
    [
      { names: { '#a': 'a' }, values: { ':t': S('S') } },
      { names: { '#a': 'a' }, values: { ':t': S('XX') } },
    ],
  ],
  ['condition', 'attribute_exists(#missing)', [{ names: { '#a': 'a' } }, { names: { '#a': 'a' } }]],
  ['condition', 'a = :undefined', [{ values: { ':x': S('1') } }, { values: { ':x': S('2') } }]],
  ['condition', 'data = :x', [{ values: { ':x': S('1') } }, { values: { ':x': S('2') } }]],
  ['condition', '((a = :x))', [{ values: { ':x': S('1') } }, { values: { ':x': S('2') } }]],
  ['condition', 'a = = :x', [{ values: { ':x': S('1') } }, { values: { ':x': S('2') } }]],
  [
    'update',
    'SET #d = :data, #v = if_not_exists(#v, :zero) + :one',
    [
      {
        names: { '#d': 'data', '#v': 'version' },
        values: { ':data': { M: { a: S('1') } }, ':zero': N('0'), ':one': N('1') },
      },
      {
        names: { '#d': 'data', '#v': 'version' },
        values: { ':data': { M: { b: N('2') } }, ':zero': N('0'), ':one': N('1') },
      },
      {
        names: { '#d': 'data', '#v': 'version' },
        values: { ':data': S('x'), ':zero': N('0'), ':one': S('1') },
      },
    ],
  ],
  [
    'update',
    'SET l = list_append(l, :items) REMOVE #gone ADD n :k',
    [
      { names: { '#gone': 'g' }, values: { ':items': { L: [S('a')] }, ':k': N('1') } },
      { names: { '#gone': 'g' }, values: { ':items': S('a'), ':k': N('1') } },
    ],
  ],
  [
    'update',
    'SET a = :x SET b = :y',
    [{ values: { ':x': S('1'), ':y': S('2') } }, { values: { ':x': S('1'), ':y': S('2') } }],
  ],
];

describe('kept parses of dynalite expressions', () => {
  test.each(cases)(
    '%s %s answers as the parser does, request after request',
    (grammar, expression, requests) => {
      const memo = memoised();
      for (const request of [...requests, ...requests]) {
        const { actual, context } = expectSame(memo, grammar, expression, request);
        // Each value it used is this request's own object in the tree, not an equal one of an earlier request.
        if (typeof actual.result !== 'object' || 'thrown' in (actual.result as object)) continue;
        const inTree = objectsIn(actual.result);
        for (const [key, value] of Object.entries(context.attrVals ?? {})) {
          if (!(key in context.unusedAttrVals)) expect(inTree.has(value)).toBe(true);
        }
      }
    },
  );

  test('a tree handed out is a copy: changing it changes no later parse', () => {
    const memo = memoised();
    const request = { names: { '#a': 'a', '#b': 'b' }, values: { ':x': S('1') } };
    const first = memo.condition.parse('#a.#b = :x', { context: contextOf(request) }) as {
      expression: { args: unknown[][] };
      pathHeads: object;
      nestedPaths: object;
    };
    first.expression.args[0]?.push('changed');
    (first.pathHeads as Record<string, boolean>).added = true;
    expectSame(memo, 'condition', '#a.#b = :x', request);
    expect(Object.getPrototypeOf(first.pathHeads)).toBeNull();
  });

  test('what an earlier parse of the same request used stays used, and this one marks its own', () => {
    const memo = memoised();
    const request = {
      names: { '#v': 'version', '#d': 'data' },
      values: { ':one': N('1'), ':expected': N('1') },
    };
    for (let round = 0; round < 2; round++) {
      const expected = contextOf(request);
      raw.update('SET #v = #v + :one', { context: expected });
      raw.condition('#v = :expected', { context: expected });
      const context = contextOf(request);
      memo.update.parse('SET #v = #v + :one', { context });
      memo.condition.parse('#v = :expected', { context });
      expect(context.unusedAttrNames).toEqual(expected.unusedAttrNames);
      expect(context.unusedAttrNames).toEqual({ '#d': true });
      expect(context.unusedAttrVals).toEqual(expected.unusedAttrVals);
    }
  });

  test('a key condition and the same text as a filter are kept apart', () => {
    const memo = memoised();
    const request = { values: { ':v': S('x') } };
    for (const isKeyCondition of [true, false, true]) {
      expectSame(memo, 'condition', 'contains(pk, :v)', { ...request, isKeyCondition });
    }
  });

  test('wrapping twice wraps once', () => {
    const holder = { parse: raw.condition };
    memoiseExpressionParsers([holder]);
    const once = holder.parse;
    memoiseExpressionParsers([holder]);
    expect(holder.parse).toBe(once);
  });
});
