import type { IntentInput } from '../../../lambdas/core/intent.js';
import { canonicalDigest } from '../../../lambdas/core/ledger/canonical-json.js';
import { admitPolicy } from '../../../lambdas/core/pipeline/admit-policy.js';
import { declareIntent } from '../../../lambdas/core/pipeline/declare-intent.js';
import { formDecision } from '../../../lambdas/core/pipeline/form-decision.js';
import { learn } from '../../../lambdas/core/pipeline/learn.js';
import {
  registerContract,
  releaseContract,
  withReleasedContracts,
} from '../../../lambdas/core/pipeline/released-contracts.js';
import type { PipelineState } from '../../../lambdas/core/pipeline/state.js';
import { validateStructure } from '../../../lambdas/core/pipeline/validate-structure.js';
import { verify } from '../../../lambdas/core/pipeline/verify.js';
import { stateKeys } from '../../../lambdas/core/state-keys.js';
import { makeIntent, submittedBy } from '../core/fixtures.js';
import {
  type Harness,
  intentAt,
  pipelineHarness,
  runIntent,
  runToVerify,
} from './helpers/pipeline-harness.js';
import { exampleContract, exampleSchemaUpdate, schemaUpdate } from './helpers/schema-update.js';

const update = exampleSchemaUpdate;
const schema = exampleContract;
const digest = canonicalDigest(schema);

/** Example 11's flag, against `version`. */
const launch = (h: Harness, version: string, title = 'Launch express pay') =>
  intentAt(h, (d) => {
    d.title = title;
    d.change.contractVersion = version;
    d.change.payload = { 'express-pay': { enabled: true, rolloutPercent: 5 } };
  });

async function structureOf(h: Harness, intent: IntentInput): Promise<PipelineState> {
  let state: PipelineState = { intent, source: 'cli', caller: submittedBy(intent) };
  state = { ...state, declared: await declareIntent(state, h.deps) };
  return { ...state, structure: await validateStructure(state, h.deps) };
}

const entriesOf = async (h: Harness, intentId: string) =>
  (await h.ledger.forIntent('test', intentId)).map(({ entry }) => entry);

describe('a released schema update registers the contract it carries', () => {
  test('later intents name its version and are validated against exactly that contract', async () => {
    const h = pipelineHarness();
    const released = await runIntent(h, schemaUpdate(h));
    expect(released.learning?.outcome).toBe('released');
    const updateId = released.declared!.intentId;
    const registered = (await entriesOf(h, updateId)).filter((e) => e.type === 'contract.registered');
    expect(registered.map((e) => e.payload)).toEqual([
      { service: 'launch-flags', profile: 'flags', contractVersion: '1.2.0', contractDigest: digest },
    ]);
    // Recorded before the conclusion, so the conclusion of a released update always follows it.
    const types = (await entriesOf(h, updateId)).map((e) => e.type);
    expect(types.indexOf('contract.registered')).toBeLessThan(types.indexOf('intent.concluded'));

    const after = await runIntent(h, launch(h, '1.2.0'));
    expect(after.learning?.outcome).toBe('released');
    const validated = (await entriesOf(h, after.declared!.intentId)).find(
      (e) => e.type === 'structure.validated',
    );
    expect(validated?.payload).toMatchObject({
      contractVersion: '1.2.0',
      contractDigest: digest,
      contractReleasedBy: updateId,
    });
  });

  test('the schema-update-required answer then asks for a version greater than the released one', async () => {
    const h = pipelineHarness();
    await runIntent(h, schemaUpdate(h));
    const state = await structureOf(
      h,
      intentAt(h, (d) => {
        d.change.contractVersion = '1.2.0';
        d.change.payload = { 'one-tap-refund': { enabled: true } };
      }),
    );
    expect(state.structure?.verdict).toBe('schema-update-required');
    expect(state.structure?.message).toContain('in a version greater than 1.2.0');
  });

  test('a change still against the older version is pointed at the released one that fits it', async () => {
    const h = pipelineHarness();
    await runIntent(h, schemaUpdate(h));
    const state = await structureOf(h, launch(h, '1.1.0', 'Express pay, against the old contract'));
    expect(state.structure?.verdict).toBe('schema-update-required');
    expect(state.structure?.message).toContain(
      'Contract version 1.2.0 has them, and the payload is valid against it: resubmit this change against contractVersion 1.2.0.',
    );
    const recorded = (await entriesOf(h, state.declared!.intentId)).find(
      (e) => e.type === 'structure.schema-update-required',
    );
    expect(recorded?.payload).toMatchObject({ latestContractVersion: '1.2.0', fitsContractVersion: '1.2.0' });
  });

  test('the version cannot be released again, nor a catalog version redefined', async () => {
    const h = pipelineHarness();
    await runIntent(h, schemaUpdate(h));
    const again = await structureOf(
      h,
      schemaUpdate(h, (d) => (d.title = 'The same version, another contract')),
    );
    expect(again.structure?.verdict).toBe('invalid');
    expect(JSON.stringify(again.structure?.errors)).toContain(
      'must be greater than the latest contract version 1.2.0',
    );
    const catalogVersion = await structureOf(
      h,
      schemaUpdate(h, (d) => {
        d.title = 'Redefine 1.1.0';
        (d.change.payload as { version: string }).version = '1.1.0';
      }),
    );
    expect(catalogVersion.structure?.verdict).toBe('invalid');
    // Even asked directly, a version the catalog defines is never registered.
    const direct = await registerContract(
      makeIntent((d) => (d.change = structuredClone(update.change))),
      'int-direct',
      { contractVersion: '1.1.0', contractDigest: digest },
      h.deps,
    );
    expect(direct).toEqual({ registered: false, reason: 'in-catalog' });
    expect(await h.store.get(...key('1.1.0'))).toBeUndefined();
  });

  test('of two schema updates to one version, the later fails verification once the first registered', async () => {
    const h = pipelineHarness();
    // Both validated while 1.2.0 was still new.
    const rival = await structureOf(
      h,
      schemaUpdate(h, (d) => (d.title = 'A rival 1.2.0')),
    );
    expect(rival.structure?.verdict).toBe('valid');
    const first = await runIntent(h, schemaUpdate(h));
    expect(first.learning?.outcome).toBe('released');
    const admitted = { ...rival, admission: await admitPolicy(rival, h.deps) };
    const decided = { ...admitted, decision: await formDecision(admitted, h.deps) };
    const verification = await verify(decided, h.deps);
    expect(verification.passed).toBe(false);
    expect(JSON.stringify(verification.results)).toContain(
      'schema update version 1.2.0 is no longer greater than the latest contract version 1.2.0',
    );
    // Had it released anyway, its Learn would register nothing: the version is taken.
    const taken = await registerContract(
      makeIntent((d) => (d.change = structuredClone(update.change))),
      rival.declared!.intentId,
      { contractVersion: '1.2.0', contractDigest: digest },
      h.deps,
    );
    expect(taken).toEqual({ registered: false, reason: 'taken', by: first.declared!.intentId });
  });

  test('Learn retried registers once and records one entry', async () => {
    const h = pipelineHarness();
    const released = await runIntent(h, schemaUpdate(h));
    const { learning: _first, ...state } = released;
    await learn(state, h.deps);
    const intentId = released.declared!.intentId;
    const registered = (await entriesOf(h, intentId)).filter((e) => e.type === 'contract.registered');
    expect(registered).toHaveLength(1);
    const item = await h.store.get(...key('1.2.0'));
    expect(item).toMatchObject({ version: 1, data: { intentId, contractDigest: digest, schema } });
  });
});

describe('a schema update that does not release registers nothing', () => {
  test('rejected by the policy set', async () => {
    const h = pipelineHarness();
    const outsider = schemaUpdate(
      h,
      (d) => (d.authority = { requester: 'victor', team: 'clinical', role: 'engineering-manager' }),
    );
    const state = await structureOf(h, outsider);
    const admitted = { ...state, admission: await admitPolicy(state, h.deps) };
    expect(admitted.admission.verdict).toBe('rejected');
    expect((await learn(admitted, h.deps)).outcome).toBe('rejected-policy');
    expect(await h.store.get(...key('1.2.0'))).toBeUndefined();
  });

  test('stopped before it released', async () => {
    const h = pipelineHarness();
    const verified = await runToVerify(h, schemaUpdate(h));
    await learn(
      { ...verified, stopped: { Error: 'IntentStoppedError', Cause: 'stopped at StartRelease by alice: x' } },
      h.deps,
    );
    expect(await h.store.get(...key('1.2.0'))).toBeUndefined();
  });
});

describe('a registered contract is the one its digest names', () => {
  test('an item whose contract was altered is refused, not validated against', async () => {
    const h = pipelineHarness();
    // An update of its own (another intent id), so no earlier read of the item is remembered.
    await runIntent(
      h,
      schemaUpdate(h, (d) => (d.title = 'Express pay, altered later')),
    );
    const item = await h.store.get<Record<string, unknown>>(...key('1.2.0'));
    const altered = structuredClone(schema) as { properties: Record<string, unknown> };
    altered.properties['anything-goes'] = {};
    await h.store.put(...key('1.2.0'), { ...item!.data, schema: altered });
    await expect(structureOf(h, launch(h, '1.2.0', 'Against an altered contract'))).rejects.toThrow(
      /is not the contract its digest/,
    );
  });

  test('a release against a released version hands the releaser that contract; a catalog version none', async () => {
    const h = pipelineHarness();
    await runIntent(h, schemaUpdate(h));
    const against = (version: string) =>
      makeIntent((d) => {
        d.change.contractVersion = version;
        d.change.payload = { 'express-pay': { enabled: true } };
      });
    expect(await releaseContract(against('1.2.0'), h.deps)).toEqual({ contract: schema });
    expect(await releaseContract(against('1.1.0'), h.deps)).toEqual({});
    const { catalog } = await withReleasedContracts(h.deps.catalog, 'launch-flags', 'flags', h.deps);
    expect(Object.keys(catalog.services['launch-flags']!.profiles.flags!.contracts).sort()).toEqual([
      '1.0.0',
      '1.1.0',
      '1.2.0',
    ]);
    // The catalog itself is left as it was.
    expect(Object.keys(h.deps.catalog.services['launch-flags']!.profiles.flags!.contracts)).not.toContain(
      '1.2.0',
    );
  });
});

function key(version: string): [string, string] {
  const { pk, sk } = stateKeys.registeredContract('launch-flags', 'flags', version);
  return [pk, sk];
}
