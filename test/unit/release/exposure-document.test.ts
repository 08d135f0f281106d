import AjvDraft04Module from 'ajv-draft-04';
import { loadCatalog } from '../../../catalog/index.js';
import { latestContractVersion } from '../../../lambdas/core/contract-versions.js';
import {
  contractOrEnvelopeSchema,
  exposedConfiguration,
  featureFlagExposure,
  freeformExposure,
  splitRule,
  userBucket,
} from '../../../lambdas/core/release/exposure-document.js';
import type { FeatureFlagDocument } from '../../../lambdas/core/release/feature-flag-document.js';
import {
  exposureSteps,
  holdsExposure,
  nextExposure,
} from '../../../lambdas/core/release/stepped-exposure.js';
import { strategyByName } from '../../../lambdas/core/release/strategies.js';
import { compileContract } from '../../../lambdas/core/structure.js';

const next: FeatureFlagDocument = {
  version: '1',
  flags: { checkout: { name: 'checkout', attributes: { limit: { constraints: { type: 'number' } } } } },
  values: { checkout: { enabled: true, limit: 20 } },
};

describe('exposure steps', () => {
  test('a stepped release runs the schedule its strategy would have run, one step each, ending at 100', () => {
    expect(exposureSteps(strategyByName('itv.Linear25Percent8Minutes'))).toEqual([25, 50, 75, 100]);
    expect(exposureSteps(strategyByName('AppConfig.Canary10Percent20Minutes'))).toEqual([
      10, 20, 40, 80, 100,
    ]);
    // Never everyone at once: an immediate strategy's single step is split in two.
    expect(exposureSteps(strategyByName('itv.Immediate3MinuteBake'))).toEqual([50, 100]);
    expect(nextExposure({ steps: [25, 50], index: 0, percentage: 25 })).toEqual({
      steps: [25, 50],
      index: 1,
      percentage: 50,
    });
    expect(nextExposure({ steps: [25, 50], index: 1, percentage: 50 })).toBeUndefined();
  });

  test('only plans that freeze hold exposure; a plan that may roll back keeps AppConfig’s own schedule', () => {
    expect(holdsExposure({ onRegression: 'freeze', onPolicyBreach: 'freeze' })).toBe(true);
    expect(holdsExposure({ onRegression: 'roll-forward', onPolicyBreach: 'freeze' })).toBe(true);
    expect(holdsExposure({ onRegression: 'rollback', onPolicyBreach: 'stop' })).toBe(false);
    expect(holdsExposure({ onRegression: 'roll-forward', onPolicyBreach: 'stop' })).toBe(false);
  });
});

describe('the configuration of a step', () => {
  test('a feature flag gets the change as a split variant and its earlier value as the default variant', () => {
    const step = featureFlagExposure(next, { checkout: { enabled: true, limit: 10 } }, 20);
    expect(step.flags).toEqual(next.flags);
    expect(step.values.checkout).toEqual({
      enabled: true,
      limit: 10,
      _variants: [
        {
          name: 'itv-exposed',
          enabled: true,
          rule: '(split by::$userId pct::20)',
          attributeValues: { limit: 20 },
        },
        { name: 'default', enabled: true, attributeValues: { limit: 10 } },
      ],
    });
  });

  test('a flag itv never released defaults to disabled for users not yet exposed; at 100 % the change is plain', () => {
    const step = featureFlagExposure(next, undefined, 50);
    expect(step.values.checkout).toMatchObject({
      enabled: false,
      _variants: [{ rule: splitRule(50) }, { name: 'default', enabled: false, attributeValues: {} }],
    });
    expect(featureFlagExposure(next, undefined, 100)).toBe(next);
  });

  test('a freeform step is an envelope the profile’s validator accepts, and a plain configuration still is', () => {
    const contract = {
      $schema: 'http://json-schema.org/draft-04/schema#',
      type: 'object',
      required: ['perMinute'],
      properties: { perMinute: { type: 'integer' } },
      additionalProperties: false,
    };
    // AppConfig's validators are draft-04 JSON Schema.
    const validate = new AjvDraft04Module.default({ strict: true }).compile(
      contractOrEnvelopeSchema(contract),
    );
    const step = freeformExposure({ perMinute: 20 }, { perMinute: 10 }, 25, 'int-1');
    expect(step).toEqual({
      itvExposure: { percentage: 25, by: 'userId', intentId: 'int-1' },
      next: { perMinute: 20 },
      previous: { perMinute: 10 },
    });
    expect(validate(step)).toBe(true);
    expect(validate(freeformExposure({ perMinute: 20 }, undefined, 25, 'int-1'))).toBe(true);
    expect(validate({ perMinute: 20 })).toBe(true);
    // The envelope does not let a configuration the contract refuses through.
    expect(validate(freeformExposure({ perMinute: 'many' }, undefined, 25, 'int-1'))).toBe(false);
    expect(validate({ itvExposure: { percentage: 25, by: 'userId', intentId: 'x' }, next: {} })).toBe(false);
    expect(freeformExposure({ perMinute: 20 }, { perMinute: 10 }, 100, 'int-1')).toEqual({ perMinute: 20 });
  });

  test("every freeform profile's validator declares draft-04, AppConfig's validator draft, and is valid draft-04 in strict mode", () => {
    const strict04 = new AjvDraft04Module.default({ strict: true });
    let checked = 0;
    for (const service of Object.values(loadCatalog().services)) {
      for (const profile of Object.values(service.profiles)) {
        if (profile.type !== 'freeform') continue;
        const validator = contractOrEnvelopeSchema(profile.contracts[latestContractVersion(profile)]!);
        expect(validator.$schema).toBe('http://json-schema.org/draft-04/schema#');
        // Strict: a keyword draft-04 does not define (draft-06's propertyNames, say) throws instead of being ignored.
        expect(() => strict04.compile(validator)).not.toThrow();
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(5);
  });

  test('a draft-07 contract becomes a draft-04 validator that refuses what the contract refuses', () => {
    const contract = {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      additionalProperties: false,
      properties: {
        share: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
        mode: { const: 'strict' },
        from: { type: 'string', format: 'date' },
        regional: {
          type: 'object',
          propertyNames: { enum: ['NA', 'EMEA'] },
          additionalProperties: { type: 'number', maximum: 60 },
        },
      },
    };
    const byContract = compileContract(contract);
    const byValidator = new AjvDraft04Module.default({ strict: true }).compile(
      contractOrEnvelopeSchema(contract),
    );
    const cases: Array<[unknown, boolean]> = [
      [{ share: 0.5, mode: 'strict', from: '2026-01-31', regional: { NA: 10, EMEA: 60 } }, true],
      [{ share: 0 }, false],
      [{ share: 1 }, false],
      [{ mode: 'lax' }, false],
      [{ from: 'yesterday' }, false],
      [{ regional: { APAC: 10 } }, false],
      [{ regional: { NA: 61 } }, false],
    ];
    for (const [configuration, valid] of cases) {
      expect(byContract(configuration)).toBe(valid);
      expect(byValidator(configuration)).toBe(valid);
    }
  });

  test('a contract keyword draft-04 cannot express stops the synth with its name and place', () => {
    expect(() =>
      contractOrEnvelopeSchema({
        type: 'object',
        properties: { limits: { type: 'array', contains: { type: 'number', minimum: 1 } } },
      }),
    ).toThrow(/properties\.limits: "contains" has no JSON Schema draft-04 equivalent/);
  });

  test('a user sees the change once the exposure reaches their bucket, and keeps it as exposure grows', () => {
    const users = Array.from({ length: 2000 }, (_, i) => `user-${i}`);
    const seen = (percentage: number) =>
      new Set(
        users.filter(
          (user) =>
            exposedConfiguration(freeformExposure({ v: 2 }, { v: 1 }, percentage, 'int-1'), user)?.v === 2,
        ),
      );
    const at20 = seen(20);
    const at50 = seen(50);
    expect(at20.size / users.length).toBeGreaterThan(0.15);
    expect(at20.size / users.length).toBeLessThan(0.25);
    expect([...at20].every((user) => at50.has(user))).toBe(true);
    expect(exposedConfiguration({ v: 3 }, 'user-1')).toEqual({ v: 3 });
    expect(userBucket('user-1')).toBe(userBucket('user-1'));
  });
});
