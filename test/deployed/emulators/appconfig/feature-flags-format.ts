import { Ajv, type ErrorObject } from 'ajv';
import type { InvalidConfigurationDetail } from './errors.js';

/**
 * What AppConfig checks in the content of an `AWS.AppConfig.FeatureFlags` profile. AWS validates such content
 * itself ("Your data must be in a JSON format and conform to the AWS.AppConfig.FeatureFlags JSON schema",
 * https://docs.aws.amazon.com/appconfig/latest/userguide/appconfig-creating-feature-flag-configuration-commandline.html):
 * 1. the schema of "Understanding the type reference for AWS.AppConfig.FeatureFlags"
 *    (https://docs.aws.amazon.com/appconfig/latest/userguide/appconfig-type-reference-feature-flags.html),
 *    restated below as published (draft-07; the document is the `flagSetDefinition`);
 * 2. "the word "enabled" is reserved. You can't create a feature flag attribute called "enabled"", and
 *    "Constraints ensure that any unexpected attribute values are not deployed" — each attribute value meets
 *    its definition's constraints, a required attribute has a value
 *    (https://docs.aws.amazon.com/appconfig/latest/userguide/appconfig-creating-configuration-and-profile-feature-flags.html);
 * 3. a value names a defined flag and defined attributes. The documentation does not state this one; it is
 *    held here because a document that passes this endpoint must pass AWS, never the other way round.
 */

const key = '^[a-z][a-zA-Z\\d_-]{0,63}$';
const description = { type: 'string', maxLength: 1024 };
const name = { type: 'string', pattern: '^[^\\n]{1,64}$' };
const numberConstraints = {
  type: 'object',
  properties: {
    type: { type: 'string', enum: ['number'] },
    required: { type: 'boolean' },
    minimum: { type: 'integer' },
    maximum: { type: 'integer' },
  },
  required: ['type'],
  additionalProperties: false,
};
const stringConstraints = {
  type: 'object',
  properties: {
    type: { type: 'string', enum: ['string'] },
    required: { type: 'boolean' },
    pattern: { type: 'string', maxLength: 1024 },
    enum: { type: 'array', items: { oneOf: [{ type: 'string', maxLength: 1024 }, { type: 'integer' }] } },
  },
  required: ['type'],
  not: { required: ['pattern', 'enum'] },
  additionalProperties: false,
};
const attributeValue = {
  oneOf: [
    { type: 'string', maxLength: 1024 },
    { type: 'number' },
    { type: 'boolean' },
    {
      type: 'array',
      oneOf: [{ items: { type: 'string', maxLength: 1024 } }, { items: { type: 'number' } }],
    },
  ],
};

/**
 * The published schema. Kept out: `maxLength` on arrays (a no-op in JSON Schema); the `date` format is written
 * as its pattern so no format plugin is needed.
 */
export const featureFlagsSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  properties: {
    version: { type: 'string', enum: ['1'] },
    flags: {
      type: 'object',
      patternProperties: {
        [key]: {
          type: 'object',
          properties: {
            name,
            description,
            _createdAt: { type: 'string' },
            _updatedAt: { type: 'string' },
            _deprecation: {
              type: 'object',
              properties: {
                status: { type: 'string', enum: ['planned'] },
                date: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
              },
              additionalProperties: false,
            },
            attributes: {
              type: 'object',
              patternProperties: {
                [key]: {
                  type: 'object',
                  properties: {
                    description,
                    constraints: {
                      oneOf: [
                        numberConstraints,
                        stringConstraints,
                        {
                          type: 'object',
                          properties: {
                            type: { type: 'string', enum: ['array'] },
                            required: { type: 'boolean' },
                            elements: { oneOf: [numberConstraints, stringConstraints] },
                          },
                          required: ['type'],
                          additionalProperties: false,
                        },
                        {
                          type: 'object',
                          properties: {
                            type: { type: 'string', enum: ['boolean'] },
                            required: { type: 'boolean' },
                          },
                          required: ['type'],
                          additionalProperties: false,
                        },
                      ],
                    },
                  },
                  additionalProperties: false,
                },
              },
              maxProperties: 25,
              additionalProperties: false,
            },
          },
          additionalProperties: false,
        },
      },
      additionalProperties: false,
    },
    values: {
      type: 'object',
      patternProperties: {
        [key]: {
          type: 'object',
          properties: {
            enabled: { type: 'boolean' },
            _createdAt: { type: 'string' },
            _updatedAt: { type: 'string' },
            _variants: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  enabled: { type: 'boolean' },
                  name,
                  rule: { type: 'string', maxLength: 16384 },
                  attributeValues: {
                    type: 'object',
                    patternProperties: { [key]: attributeValue },
                    maxProperties: 25,
                    additionalProperties: false,
                  },
                },
                required: ['name', 'enabled'],
                additionalProperties: false,
              },
            },
          },
          patternProperties: { [key]: attributeValue },
          additionalProperties: false,
        },
      },
      additionalProperties: false,
    },
  },
  required: ['version'],
  additionalProperties: false,
} as const;

const ajv = new Ajv({ allErrors: true, strict: false });
const validateSchema = ajv.compile(featureFlagsSchema);

type Constraints = {
  type: 'number' | 'string' | 'array' | 'boolean';
  required?: boolean;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  enum?: Array<string | number>;
  elements?: Constraints;
};

interface FlagSet {
  flags?: Record<string, { attributes?: Record<string, { constraints?: Constraints }> }>;
  values?: Record<string, Record<string, unknown>>;
}

function schemaDetail(error: ErrorObject): InvalidConfigurationDetail {
  return {
    Constraint: error.keyword,
    Location: error.instancePath || '/',
    Reason: error.message ?? 'is invalid',
    Type: 'Feature flag schema',
  };
}

/** Why `value` breaks `constraints`, or undefined when it meets them. */
function constraintViolation(value: unknown, constraints: Constraints): string | undefined {
  switch (constraints.type) {
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'must be a boolean';
    case 'number': {
      if (typeof value !== 'number') return 'must be a number';
      if (constraints.minimum !== undefined && value < constraints.minimum)
        return `must be ≥ ${constraints.minimum}`;
      if (constraints.maximum !== undefined && value > constraints.maximum)
        return `must be ≤ ${constraints.maximum}`;
      return undefined;
    }
    case 'string': {
      if (typeof value !== 'string') return 'must be a string';
      if (constraints.enum && !constraints.enum.map(String).includes(value))
        return `must be one of ${constraints.enum.join(', ')}`;
      if (constraints.pattern !== undefined && !new RegExp(constraints.pattern, 'u').test(value))
        return `must match ${constraints.pattern}`;
      return undefined;
    }
    case 'array': {
      if (!Array.isArray(value)) return 'must be an array';
      const elements = constraints.elements;
      if (!elements) return undefined;
      for (const [index, element] of value.entries()) {
        const violation = constraintViolation(element, elements);
        if (violation) return `element ${index} ${violation}`;
      }
      return undefined;
    }
  }
}

/** The reasons AppConfig refuses `content` for a feature-flag profile; empty when it accepts it. */
export function featureFlagsViolations(content: string): InvalidConfigurationDetail[] {
  let document: unknown;
  try {
    document = JSON.parse(content);
  } catch (error) {
    return [
      { Location: '/', Reason: `is not JSON: ${(error as Error).message}`, Type: 'Feature flag schema' },
    ];
  }
  if (!validateSchema(document)) return (validateSchema.errors ?? []).map(schemaDetail);
  const { flags = {}, values = {} } = document as FlagSet;
  const details: InvalidConfigurationDetail[] = [];
  const fail = (location: string, reason: string, constraint: string) =>
    details.push({ Constraint: constraint, Location: location, Reason: reason, Type: 'Feature flag' });
  for (const [flag, definition] of Object.entries(flags)) {
    const attributes = definition.attributes ?? {};
    if ('enabled' in attributes)
      fail(`/flags/${flag}/attributes/enabled`, '"enabled" is reserved', 'reserved');
    const value = values[flag] ?? {};
    for (const [attribute, { constraints }] of Object.entries(attributes)) {
      if (!constraints || attribute === 'enabled') continue;
      if (!(attribute in value)) {
        if (constraints.required)
          fail(`/values/${flag}/${attribute}`, 'is required by the flag definition', 'required');
        continue;
      }
      const violation = constraintViolation(value[attribute], constraints);
      if (violation) fail(`/values/${flag}/${attribute}`, violation, constraints.type);
    }
  }
  for (const [flag, value] of Object.entries(values)) {
    const definition = flags[flag];
    if (!definition) {
      fail(`/values/${flag}`, 'has a value but no flag definition', 'definition');
      continue;
    }
    for (const attribute of Object.keys(value)) {
      if (attribute === 'enabled' || attribute.startsWith('_')) continue;
      if (!definition.attributes?.[attribute])
        fail(`/values/${flag}/${attribute}`, 'is not an attribute the flag defines', 'definition');
    }
  }
  return details;
}
