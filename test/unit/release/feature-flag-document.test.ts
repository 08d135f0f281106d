import { readdirSync, readFileSync } from 'node:fs';
import { loadCatalog } from '../../../catalog/index.js';
import { InvalidInputError } from '../../../lambdas/core/errors.js';
import { featureFlagDocument } from '../../../lambdas/core/release/feature-flag-document.js';
import { featureFlagsViolations } from '../../deployed/emulators/appconfig/feature-flags-format.js';
import { flagPayloadFor } from './helpers/flag-payloads.js';

const catalog = loadCatalog();
const examplesDir = new URL('../../../examples/', import.meta.url);
const flagExamples = readdirSync(examplesDir)
  .filter((file) => file.endsWith('.json'))
  .map((file) => ({
    file,
    intent: JSON.parse(readFileSync(new URL(file, examplesDir), 'utf8')) as {
      change: {
        service: string;
        profile: string;
        contractVersion: string;
        kind: string;
        payload: Record<string, unknown>;
      };
    },
  }))
  .filter(({ intent }) => intent.change.kind === 'feature-flag');
const flagContracts = Object.values(catalog.services).flatMap((service) =>
  Object.entries(service.profiles)
    .filter(([, profile]) => profile.type === 'feature-flags')
    .flatMap(([profile, { contracts }]) =>
      Object.entries(contracts).map(([version, contract]) => ({
        label: `${service.name}/${profile}@${version}`,
        contract,
      })),
    ),
);

describe('featureFlagDocument', () => {
  test("example 01's payload becomes AppConfig's flag document with the contract's bounds", () => {
    // Prepare
    const contract = catalog.services['launch-flags']!.profiles.flags!.contracts['1.0.0']!;
    // Act
    const document = featureFlagDocument({ 'new-checkout': { enabled: true, rolloutPercent: 10 } }, contract);
    // Assess
    expect(document).toEqual({
      version: '1',
      flags: {
        'new-checkout': {
          name: 'new-checkout',
          attributes: { rolloutPercent: { constraints: { type: 'number', minimum: 0, maximum: 100 } } },
        },
      },
      values: { 'new-checkout': { enabled: true, rolloutPercent: 10 } },
    });
  });

  test('integer bounds, enums, booleans and arrays become AppConfig constraints; fractional bounds are left out', () => {
    // Prepare
    const contract = {
      properties: {
        beta: {
          required: ['enabled', 'cohort'],
          properties: {
            enabled: { type: 'boolean' },
            cohort: { enum: ['all', 'staff'] },
            perDay: { type: 'integer', minimum: 1, maximum: 8 },
            share: { type: 'number', minimum: 0, maximum: 0.5 },
            tracked: { type: 'boolean' },
            regions: { type: 'array', items: { type: 'string', pattern: '^[A-Z]{2}$' } },
          },
        },
      },
    };
    // Act
    const document = featureFlagDocument({ beta: { enabled: false, cohort: 'staff' } }, contract);
    // Assess
    expect(document.flags.beta?.attributes).toEqual({
      cohort: { constraints: { type: 'string', enum: ['all', 'staff'], required: true } },
      perDay: { constraints: { type: 'number', minimum: 1, maximum: 8 } },
      share: { constraints: { type: 'number', minimum: 0 } },
      tracked: { constraints: { type: 'boolean' } },
      regions: { constraints: { type: 'array', elements: { type: 'string', pattern: '^[A-Z]{2}$' } } },
    });
    expect(document.values).toEqual({ beta: { enabled: false, cohort: 'staff' } });
  });

  test('only the flags the payload sets are in the document', () => {
    // Prepare
    const contract = catalog.services['launch-flags']!.profiles.flags!.contracts['1.1.0']!;
    // Act
    const document = featureFlagDocument({ 'dark-mode': { enabled: true } }, contract);
    // Assess
    expect(Object.keys(document.flags)).toEqual(['dark-mode']);
    expect(Object.keys(document.values)).toEqual(['dark-mode']);
  });

  test.each([
    ['an object attribute', { beta: { enabled: true, limits: { max: 1 } } }, 'beta.limits'],
    ['a flag without a boolean enabled', { beta: { rolloutPercent: 5 } }, 'beta'],
    ['a flag key AppConfig does not allow', { Beta: { enabled: true } }, 'Beta'],
  ])('%s is InvalidInputError naming it', (_case, payload, path) => {
    // Act
    const convert = () => featureFlagDocument(payload, {});
    // Assess
    expect(convert).toThrow(InvalidInputError);
    try {
      convert();
    } catch (error) {
      expect((error as InvalidInputError).issues.map((issue) => issue.path)).toEqual([path]);
    }
  });

  test.each(flagExamples.map(({ file, intent }) => [file, intent.change] as const))(
    'feature-flag example %s converts to a document AppConfig accepts',
    (_file, change) => {
      // Prepare
      const contract =
        catalog.services[change.service]!.profiles[change.profile]!.contracts[change.contractVersion]!;
      // Act
      const document = featureFlagDocument(change.payload, contract);
      // Assess
      expect(document.values).toEqual(change.payload);
      expect(featureFlagsViolations(JSON.stringify(document))).toEqual([]);
    },
  );

  test.each(flagContracts.map(({ label, contract }) => [label, contract] as const))(
    'catalog flag profile %s: every flag converts to a document AppConfig accepts',
    (_label, contract) => {
      // Prepare
      const payload = flagPayloadFor(contract);
      // Act
      const document = featureFlagDocument(payload, contract);
      // Assess
      expect(Object.keys(document.flags)).toEqual(Object.keys(payload));
      expect(featureFlagsViolations(JSON.stringify(document))).toEqual([]);
    },
  );

  test('there are feature-flag examples and catalog flag profiles to check', () => {
    expect(flagExamples.map(({ file }) => file)).toEqual(
      expect.arrayContaining([
        '01-low-risk-flag.json',
        '08-hiring-flag.json',
        '16-checkout-general-availability.json',
      ]),
    );
    expect(flagContracts.map(({ label }) => label)).toEqual(
      expect.arrayContaining([
        'launch-flags/flags@1.1.0',
        'pricing-engine/flags@1.0.0',
        'hiring-portal/flags@1.0.0',
      ]),
    );
  });
});
