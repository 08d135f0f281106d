import type { JsonSchema } from 'aws-cdk-lib/aws-apigateway';

type SchemaNode = Record<string, unknown>;

/** Keywords API Gateway's draft-04 models do not know; dropping them only loosens request validation. */
const unsupportedKeywords = new Set([
  '$schema',
  '$id',
  'propertyNames',
  'contentEncoding',
  'contentMediaType',
]);

function isNode(value: unknown): value is SchemaNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function convert(value: unknown, defs: SchemaNode, seen: readonly string[]): unknown {
  if (Array.isArray(value)) return value.map((v) => convert(v, defs, seen));
  if (!isNode(value)) return value;
  const ref = value.$ref;
  if (typeof ref === 'string') {
    // API Gateway resolves $ref only to other models by URL, so local definitions are inlined.
    const name = ref.replace(/^#\/(\$defs|definitions)\//, '');
    if (seen.includes(name) || !isNode(defs[name])) {
      throw new Error(
        `intent JSON Schema: $ref "${ref}" is recursive or unresolvable; API Gateway cannot inline it`,
      );
    }
    return convert(defs[name], defs, [...seen, name]);
  }
  const out: SchemaNode = {};
  for (const [key, child] of Object.entries(value)) {
    if (unsupportedKeywords.has(key) || key === '$defs' || key === 'definitions') continue;
    if (key === 'const') out.enum = [child];
    else if ((key === 'exclusiveMinimum' || key === 'exclusiveMaximum') && typeof child === 'number') {
      // Draft-04 spells an exclusive bound as a boolean beside minimum/maximum.
      out[key === 'exclusiveMinimum' ? 'minimum' : 'maximum'] = child;
      out[key] = true;
    } else if (key === 'properties' && isNode(child)) {
      out.properties = Object.fromEntries(Object.entries(child).map(([k, v]) => [k, convert(v, defs, seen)]));
    } else out[key] = convert(child, defs, seen);
  }
  return out;
}

/**
 * Rewrites a JSON Schema (draft 2020-12, as `z.toJSONSchema` emits it) into the draft-04 subset API Gateway
 * models accept: `const` → `enum`, numeric exclusive bounds → boolean ones, local `$ref`s inlined.
 */
export function toApiGatewaySchema(schema: object): JsonSchema {
  const root = schema as SchemaNode;
  const defs = {
    ...(isNode(root.definitions) ? root.definitions : {}),
    ...(isNode(root.$defs) ? root.$defs : {}),
  };
  return convert(root, defs, []) as JsonSchema;
}
