import { catalogData } from '../../../catalog/index.js';
import type { Catalog } from '../../../lambdas/core/catalog-schema.js';
import type { ResolvedIntent } from '../../../lambdas/core/intent.js';
import { parseCatalog } from '../../../lambdas/core/parse-catalog.js';
import { recheckContract, structureDigests } from '../../../lambdas/core/pipeline/contract-recheck.js';
import type { StoredEntry } from '../../../lambdas/ports/ledger-store.js';
import { catalog, makeIntent } from '../core/fixtures.js';
import { intentAt, pipelineHarness, runToVerify } from './helpers/pipeline-harness.js';

/** The entry ValidateStructure appends for a valid payload, with the given payload. */
function validated(payload: Record<string, unknown>): StoredEntry {
  return {
    hash: '0'.repeat(64),
    entry: {
      ledger: 'test',
      seq: 1,
      prevHash: '0'.repeat(64),
      intentId: 'int-1',
      type: 'structure.validated',
      idempotencyKey: 'int-1/structure.validated',
      timestamp: '2026-11-02T09:00:00Z',
      payload,
    },
  };
}

/** The authored catalog with the contracts of launch-flags/flags edited. */
function catalogWithFlagsContracts(
  edit: (contracts: Record<string, Record<string, unknown>>) => void,
): Catalog {
  const data = structuredClone(catalogData) as {
    services: Array<{
      name: string;
      profiles: Record<string, { contracts: Record<string, Record<string, unknown>> }>;
    }>;
  };
  edit(data.services.find((s) => s.name === 'launch-flags')!.profiles.flags!.contracts);
  return parseCatalog(data);
}

function schemaUpdateTo(version: string): ResolvedIntent {
  return makeIntent((d) => {
    d.change = {
      service: 'launch-flags',
      profile: 'flags',
      contractVersion: '1.1.0',
      kind: 'schema-update',
      payload: { version, schema: { type: 'object', additionalProperties: false, properties: {} } },
    };
  });
}

describe("Verify's contract check", () => {
  test('passes on the pipeline path: ValidateStructure recorded the payload and contract it validated', async () => {
    // Prepare
    const h = pipelineHarness();

    // Act
    const state = await runToVerify(h, intentAt(h));

    // Assess
    expect(state.verification?.results).toContainEqual({
      check: 'contract',
      passed: true,
      detail: 'payload against launch-flags/flags@1.0.0: valid',
    });
  });

  test('fails when the contract version was changed in place since ValidateStructure validated against it', () => {
    const intent = makeIntent();
    const recorded = validated(structureDigests(intent, catalog));
    const edited = catalogWithFlagsContracts((contracts) => {
      contracts['1.0.0']!.description = 'edited after release';
    });

    expect(recheckContract(intent, edited, [recorded])).toEqual({
      passed: false,
      detail:
        'payload against launch-flags/flags@1.0.0: the contract changed since ValidateStructure validated the payload against it',
    });
  });

  test('fails when the payload is not the one ValidateStructure validated', () => {
    const recorded = validated(structureDigests(makeIntent(), catalog));
    const other = makeIntent((d) => {
      d.change.payload = { 'dark-mode': { enabled: false } };
    });

    expect(recheckContract(other, catalog, [recorded])).toMatchObject({
      passed: false,
      detail: expect.stringContaining('the payload is not the one ValidateStructure validated'),
    });
  });

  test('fails when ValidateStructure recorded no valid verdict for the intent', () => {
    expect(recheckContract(makeIntent(), catalog, [])).toMatchObject({
      passed: false,
      detail: expect.stringContaining('ValidateStructure recorded no valid verdict'),
    });
  });

  test('fails a schema update that a newer contract version has overtaken since', () => {
    const intent = schemaUpdateTo('1.2.0');
    const recorded = validated(structureDigests(intent, catalog));
    const overtaken = catalogWithFlagsContracts((contracts) => {
      contracts['1.3.0'] = structuredClone(contracts['1.1.0']!);
    });

    expect(recheckContract(intent, catalog, [recorded])).toMatchObject({ passed: true });
    expect(recheckContract(intent, overtaken, [recorded])).toEqual({
      passed: false,
      detail:
        'payload against launch-flags/flags@1.1.0: schema update version 1.2.0 is no longer greater than the latest contract version 1.3.0',
    });
  });

  test('keeps the verdict of an entry written before the digests were recorded', () => {
    expect(recheckContract(makeIntent(), catalog, [validated({ service: 'launch-flags' })])).toMatchObject({
      passed: true,
    });
  });
});
