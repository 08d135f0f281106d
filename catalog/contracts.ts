/** Helpers that keep contract definitions short; every contract is JSON Schema draft-07 and closed. */

export type JsonSchema = Record<string, unknown>;

const draft07 = 'http://json-schema.org/draft-07/schema#';

/** A closed object schema: keys outside `properties` are what routes a change to a schema update. */
export function objectContract(
  properties: Record<string, JsonSchema>,
  required: string[] = Object.keys(properties),
): JsonSchema {
  return { $schema: draft07, type: 'object', additionalProperties: false, properties, required };
}

/**
 * An AppConfig feature-flag profile's values: one key per flag, each `{ enabled, ...attributes }`; a change
 * may set any subset of flags, so no flag is required.
 */
export function flagsContract(flags: Record<string, Record<string, JsonSchema>>): JsonSchema {
  const properties = Object.fromEntries(
    Object.entries(flags).map(([flag, attributes]) => [
      flag,
      {
        type: 'object',
        additionalProperties: false,
        required: ['enabled'],
        properties: { enabled: { type: 'boolean' }, ...attributes },
      },
    ]),
  );
  return { $schema: draft07, type: 'object', additionalProperties: false, minProperties: 1, properties };
}

export const percent: JsonSchema = { type: 'number', minimum: 0, maximum: 100 };
export const fraction: JsonSchema = { type: 'number', minimum: 0, maximum: 1 };
export const usd: JsonSchema = { type: 'number', minimum: 0 };
export const positiveInt: JsonSchema = { type: 'integer', minimum: 1 };
export const bool: JsonSchema = { type: 'boolean' };
