import * as z from 'zod';
import { toApiGatewaySchema } from '../../infra/api-model-schema.js';
import { intentSchema } from '../../lambdas/core/intent.js';

describe('toApiGatewaySchema', () => {
  test('rewrites const as a one-value enum', () => {
    // Act
    const schema = toApiGatewaySchema({
      type: 'object',
      properties: { kind: { type: 'string', const: 'Intent' } },
    });
    // Assess
    expect(schema).toEqual({ type: 'object', properties: { kind: { type: 'string', enum: ['Intent'] } } });
  });

  test('rewrites numeric exclusive bounds into draft-04 boolean ones', () => {
    // Act
    const schema = toApiGatewaySchema({ type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 10 });
    // Assess
    expect(schema).toEqual({
      type: 'number',
      minimum: 0,
      exclusiveMinimum: true,
      maximum: 10,
      exclusiveMaximum: true,
    });
  });

  test('drops $schema and propertyNames but keeps properties that happen to be named like keywords', () => {
    // Act
    const schema = toApiGatewaySchema({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      propertyNames: { minLength: 1 },
      properties: { const: { type: 'string' }, propertyNames: { type: 'string' } },
    });
    // Assess
    expect(schema).toEqual({
      type: 'object',
      properties: { const: { type: 'string' }, propertyNames: { type: 'string' } },
    });
  });

  test('inlines local $defs references', () => {
    // Act
    const schema = toApiGatewaySchema({
      type: 'object',
      properties: { owner: { $ref: '#/$defs/principal' } },
      $defs: { principal: { type: 'string', minLength: 1 } },
    });
    // Assess
    expect(schema).toEqual({ type: 'object', properties: { owner: { type: 'string', minLength: 1 } } });
  });

  test('refuses a recursive reference, naming it', () => {
    // Prepare
    const recursive = {
      $ref: '#/$defs/node',
      $defs: { node: { type: 'object', properties: { next: { $ref: '#/$defs/node' } } } },
    };
    // Act / Assess
    expect(() => toApiGatewaySchema(recursive)).toThrow(/\$ref "#\/\$defs\/node" is recursive/);
  });

  test('turns the intent contract into a schema without draft-06+ keywords', () => {
    // Act
    const text = JSON.stringify(toApiGatewaySchema(z.toJSONSchema(intentSchema, { io: 'input' })));
    // Assess
    expect(text).not.toMatch(/"(const|propertyNames|\$defs|\$ref|\$schema)"/);
    expect(text).not.toMatch(/"exclusive(Minimum|Maximum)":-?\d/);
    expect(JSON.parse(text)).toMatchObject({
      required: expect.arrayContaining([
        'apiVersion',
        'kind',
        'title',
        'goal',
        'authority',
        'timestamp',
        'change',
      ]),
      properties: { apiVersion: { enum: ['itv/v1'] } },
    });
  });
});
