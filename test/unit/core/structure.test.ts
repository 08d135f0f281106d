import { compareSemver } from '../../../lambdas/core/contract-versions.js';
import { compileContract, validateStructure } from '../../../lambdas/core/structure.js';
import { catalog, makeIntent, service } from './fixtures.js';

const flagsV11 = service('launch-flags').profiles.flags!.contracts['1.1.0']!;

function schemaUpdate(payload: Record<string, unknown>) {
  return makeIntent((d) => {
    d.change = {
      service: 'launch-flags',
      profile: 'flags',
      contractVersion: '1.1.0',
      kind: 'schema-update',
      payload,
    };
  });
}

function withExpressPay(): Record<string, unknown> {
  const schema = structuredClone(flagsV11) as { properties: Record<string, unknown> };
  schema.properties['express-pay'] = {
    type: 'object',
    additionalProperties: false,
    required: ['enabled'],
    properties: { enabled: { type: 'boolean' } },
  };
  return schema;
}

describe('validateStructure: changes against a contract', () => {
  test('accepts a payload the contract describes', () => {
    expect(validateStructure(makeIntent(), catalog)).toEqual({ verdict: 'valid' });
  });

  test('rejects a wrong type, naming the payload field', () => {
    const intent = makeIntent((d) => {
      d.change.payload = { 'new-checkout': { enabled: true, rolloutPercent: 'ten' } };
    });
    expect(validateStructure(intent, catalog)).toEqual({
      verdict: 'invalid',
      errors: [
        {
          path: 'change.payload.new-checkout.rolloutPercent',
          message: 'change.payload.new-checkout.rolloutPercent must be number',
        },
      ],
    });
  });

  test('rejects a missing required field', () => {
    const intent = makeIntent((d) => {
      d.change.payload = { 'dark-mode': {} };
    });
    const verdict = validateStructure(intent, catalog);
    expect(verdict.verdict === 'invalid' && verdict.errors[0]?.path).toBe('change.payload.dark-mode.enabled');
  });

  test('routes unknown keys to a schema update that names them, top level and nested', () => {
    const intent = makeIntent((d) => {
      d.change.payload = {
        'express-pay': { enabled: true },
        'dark-mode': { enabled: true, contrast: 'high' },
      };
    });
    const verdict = validateStructure(intent, catalog);
    expect(verdict).toMatchObject({
      verdict: 'schema-update-required',
      missingKeys: ['dark-mode.contrast', 'express-pay'],
    });
    expect(verdict.verdict === 'schema-update-required' && verdict.message).toMatch(
      /launch-flags\/flags@1\.0\.0 lacks: "dark-mode\.contrast", "express-pay".*profile "flags" of service "launch-flags".*greater than 1\.1\.0/,
    );
  });

  test('an unknown key beside a real violation is plainly invalid', () => {
    const intent = makeIntent((d) => {
      d.change.payload = { 'express-pay': { enabled: true }, 'dark-mode': { enabled: 'yes' } };
    });
    expect(validateStructure(intent, catalog).verdict).toBe('invalid');
  });

  test('names the versions that exist when the contract version does not', () => {
    const intent = makeIntent((d) => {
      d.change.contractVersion = '2.0.0';
    });
    expect(validateStructure(intent, catalog)).toEqual({
      verdict: 'invalid',
      errors: [
        {
          path: 'change.contractVersion',
          message:
            'change.contractVersion 2.0.0 does not exist for launch-flags/flags (versions: 1.0.0, 1.1.0)',
        },
      ],
    });
  });

  test('rejects a configuration change aimed at a feature-flag profile', () => {
    const intent = makeIntent((d) => {
      d.change.kind = 'configuration';
    });
    const verdict = validateStructure(intent, catalog);
    expect(verdict.verdict === 'invalid' && verdict.errors[0]?.path).toBe('change.kind');
  });
});

describe('validateStructure: schema updates', () => {
  test('accepts a valid JSON Schema with a version above the latest', () => {
    expect(validateStructure(schemaUpdate({ version: '1.2.0', schema: withExpressPay() }), catalog)).toEqual({
      verdict: 'valid',
    });
  });

  test('rejects a version that is not above the latest', () => {
    const verdict = validateStructure(schemaUpdate({ version: '1.1.0', schema: withExpressPay() }), catalog);
    expect(verdict).toEqual({
      verdict: 'invalid',
      errors: [
        {
          path: 'change.payload.version',
          message: 'change.payload.version 1.1.0 must be greater than the latest contract version 1.1.0',
        },
      ],
    });
  });

  test('rejects a schema that is not valid JSON Schema', () => {
    const verdict = validateStructure(
      schemaUpdate({ version: '1.2.0', schema: { type: 'object', properties: { a: { type: 'banana' } } } }),
      catalog,
    );
    expect(verdict.verdict === 'invalid' && verdict.errors.map((e) => e.path)).toEqual([
      'change.payload.schema',
    ]);
  });

  test('rejects a schema for something other than an object, and a malformed payload', () => {
    const notObject = validateStructure(
      schemaUpdate({ version: '1.2.0', schema: { type: 'string' } }),
      catalog,
    );
    const malformed = validateStructure(schemaUpdate({ version: 'next', schema: [], note: 'x' }), catalog);
    expect(notObject.verdict === 'invalid' && notObject.errors.map((e) => e.path)).toEqual([
      'change.payload.schema.type',
    ]);
    expect(malformed.verdict === 'invalid' && malformed.errors.map((e) => e.path)).toEqual([
      'change.payload.note',
      'change.payload.version',
      'change.payload.schema',
    ]);
  });
});

describe('contract helpers', () => {
  test('compiles each contract once', () => {
    expect(compileContract(flagsV11)).toBe(compileContract(flagsV11));
  });

  test('orders versions numerically', () => {
    expect(compareSemver('1.10.0', '1.9.0')).toBeGreaterThan(0);
    expect(compareSemver('2.0.0', '2.0.0')).toBe(0);
    expect(compareSemver('0.9.9', '1.0.0')).toBeLessThan(0);
  });
});
