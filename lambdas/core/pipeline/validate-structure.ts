import type { LedgerEntryType } from '../ledger/entry-types.js';
import { validateStructure as checkStructure } from '../structure.js';
import { structureDigests } from './contract-recheck.js';
import { type PipelineDeps, record } from './deps.js';
import { resolvedIntent } from './payloads.js';
import type { PipelineState, StructureResult } from './state.js';

/** Stage 2: the change must map to the contract version it names; unknown keys route to a schema update. */
export async function validateStructure(state: PipelineState, deps: PipelineDeps): Promise<StructureResult> {
  const { intent, intentId } = await resolvedIntent(state, deps);
  const verdict = checkStructure(intent, deps.catalog);
  const result: StructureResult = {
    verdict: verdict.verdict,
    errors: verdict.verdict === 'invalid' ? verdict.errors : [],
    missingKeys: verdict.verdict === 'schema-update-required' ? verdict.missingKeys : [],
    message: verdict.verdict === 'schema-update-required' ? verdict.message : undefined,
  };
  const types = {
    valid: 'structure.validated',
    invalid: 'structure.rejected',
    'schema-update-required': 'structure.schema-update-required',
  } as const satisfies Record<StructureResult['verdict'], LedgerEntryType>;
  const type = types[result.verdict];
  // The message is not recorded: status composes it from these facts (`schemaUpdateMessage`).
  await record(deps, intentId, type, {
    service: intent.change.service,
    profile: intent.change.profile,
    contractVersion: intent.change.contractVersion,
    verdict: result.verdict,
    errors: result.errors,
    missingKeys: result.missingKeys,
    ...(verdict.verdict === 'schema-update-required'
      ? { latestContractVersion: verdict.latestContractVersion }
      : {}),
    // Verify re-checks the verdict against these instead of compiling the contract again.
    ...structureDigests(intent, deps.catalog),
  });
  return result;
}
