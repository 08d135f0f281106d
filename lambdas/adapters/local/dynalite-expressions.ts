/**
 * dynalite parses every request's expressions with PEG grammars (dynalite/db/conditionParser.js,
 * updateParser.js) — about a tenth of the local pipeline's CPU, for a handful of expressions written again and
 * again with other values. This keeps each parse, keyed by what the grammars' checks read, and hands later
 * requests a fresh copy with their own values in place.
 *
 * What a parse reads (dynalite 4, read from its grammars): the expression; the attribute names map (resolved
 * into the tree, checked against reserved words); whether it is a key condition; and of each attribute value
 * only its type (`getType`/`getImmediateType` in the operand checks) — except in BETWEEN (compares the bounds'
 * contents) and attribute_type (reads its string operand), so an expression naming either is never kept. The
 * tree holds each value object itself (`resolveAttrVal` returns it), so a kept tree marks where each value
 * goes. A parse that fails (a string or a thrown SyntaxError) is never kept: it is parsed again each time.
 *
 * A parse also marks the names and values it uses (deleting them from the request's `unusedAttrNames` and
 * `unusedAttrVals`; what is left unused is refused). Each parse is therefore run against a context of its own
 * that starts with every name and value unused, so what it uses is known whatever parsed before it, and that
 * is replayed on the request's context, on a first parse and on every reuse alike.
 */

type Context = {
  attrNames?: Record<string, string>;
  attrVals?: Record<string, object>;
  unusedAttrNames: Record<string, boolean>;
  unusedAttrVals: Record<string, boolean>;
  isKeyCondition?: boolean;
};
type Parse = (expression: string, options: { context: Context }) => unknown;
interface Parser {
  parse: Parse;
}

interface Kept {
  /** The tree with each attribute value replaced by a `Placeholder` naming it. */
  template: unknown;
  names: string[];
  values: string[];
}

class Placeholder {
  constructor(readonly key: string) {}
}

// The kinds of attribute value, in the order dynalite's getImmediateType tries them.
const TYPES = ['S', 'N', 'B', 'NULL', 'BOOL', 'SS', 'NS', 'BS', 'L', 'M'] as const;
// Checks that read a value's content, not just its type.
const READS_CONTENT = /between|attribute_type/i;
// Distinct expressions a store sees are few (itv writes a dozen); past this the cache starts again.
const LIMIT = 1024;
const memoised = new WeakSet<Parser>();

/** Wraps each parser's `parse` (the module object dynalite's validations call) in a cache; idempotent. */
export function memoiseExpressionParsers(parsers: Parser[]): void {
  for (const parser of parsers) {
    if (memoised.has(parser)) continue;
    memoised.add(parser);
    parser.parse = memoisedParse(parser.parse);
  }
}

function memoisedParse(parse: Parse): Parse {
  const kept = new Map<string, Kept>();
  return (expression, options) => {
    const context = options.context;
    if (READS_CONTENT.test(expression)) return parse(expression, options);
    const key = keyOf(expression, context);
    const entry = kept.get(key);
    if (entry !== undefined) {
      markUsed(context, entry);
      return instantiate(entry.template, context.attrVals ?? {});
    }
    const own: Context = {
      ...context,
      unusedAttrNames: allUnused(context.attrNames),
      unusedAttrVals: allUnused(context.attrVals),
    };
    const used = () => ({
      names: usedOf(context.attrNames, own.unusedAttrNames),
      values: usedOf(context.attrVals, own.unusedAttrVals),
    });
    let tree: unknown;
    try {
      tree = parse(expression, { context: own });
    } catch (error) {
      markUsed(context, used());
      throw error;
    }
    const parsed = { template: undefined as unknown, ...used() };
    markUsed(context, parsed);
    if (tree === null || typeof tree !== 'object') return tree;
    parsed.template = templateOf(tree, context.attrVals ?? {});
    if (kept.size >= LIMIT) kept.clear();
    kept.set(key, parsed);
    // The tree itself holds this request's values: the kept template is a copy of it.
    return tree;
  };
}

function markUsed(context: Context, { names, values }: { names: string[]; values: string[] }): void {
  for (const name of names) delete context.unusedAttrNames[name];
  for (const value of values) delete context.unusedAttrVals[value];
}

function keyOf(expression: string, context: Context): string {
  const values = context.attrVals ?? {};
  const types = Object.keys(values).map((key) => `${key}:${typeOf(values[key])}`);
  return [
    context.isKeyCondition ? 'key' : '',
    expression,
    JSON.stringify(context.attrNames ?? null),
    types.join(','),
  ].join('\n');
}

function typeOf(value: object | undefined): string {
  if (value === null || typeof value !== 'object') return '';
  const record = value as Record<string, unknown>;
  return TYPES.find((type) => record[type] != null) ?? '';
}

function allUnused(map: Record<string, unknown> | undefined): Record<string, boolean> {
  const unused: Record<string, boolean> = {};
  for (const key of Object.keys(map ?? {})) unused[key] = true;
  return unused;
}

function usedOf(map: Record<string, unknown> | undefined, unused: Record<string, boolean>): string[] {
  return Object.keys(map ?? {}).filter((key) => !(key in unused));
}

function templateOf(tree: unknown, values: Record<string, object>): unknown {
  const placeholders = new Map<unknown, Placeholder>(
    Object.keys(values).map((key) => [values[key], new Placeholder(key)]),
  );
  const walk = (node: unknown): unknown => {
    if (node === null || typeof node !== 'object') return node;
    const placeholder = placeholders.get(node);
    if (placeholder !== undefined) return placeholder;
    return copyOf(node, walk);
  };
  return walk(tree);
}

function instantiate(template: unknown, values: Record<string, object>): unknown {
  const walk = (node: unknown): unknown => {
    if (node === null || typeof node !== 'object') return node;
    if (node instanceof Placeholder) return values[node.key];
    return copyOf(node, walk);
  };
  return walk(template);
}

/** A copy of an array or object (keeping its prototype: dynalite's path maps have none) with `walk` applied. */
function copyOf(node: object, walk: (child: unknown) => unknown): unknown {
  if (Array.isArray(node)) return node.map(walk);
  const copy = Object.create(Object.getPrototypeOf(node)) as Record<string, unknown>;
  for (const key of Object.keys(node)) copy[key] = walk((node as Record<string, unknown>)[key]);
  return copy;
}
