import type { LedgerEntryType } from '../ledger/entry-types.js';
import { validateStructure as checkStructure } from '../structure.js';
import { structureDigests } from './contract-recheck.js';
import { type PipelineDeps, record } from './deps.js';
import { resolvedIntent } from './payloads.js';
import { introducedContract, releasedBy, withReleasedContracts } from './released-contracts.js';
import type { PipelineState, StructureResult } from './state.js';

/**
 * Stage 2: the change must map to the contract version it names, in the catalog or released by a schema update;
 * unknown keys route to a schema update.
 */
export async function validateStructure(state: PipelineState, deps: PipelineDeps): Promise<StructureResult> {
  const { intent, intentId } = await resolvedIntent(state, deps);
  const { service, profile } = intent.change;
  const { catalog, released } = await withReleasedContracts(deps.catalog, service, profile, deps);
  const verdict = checkStructure(intent, catalog);
  // A valid schema update says what its release would register, so Learn needs not read its payload again.
  const introduces = verdict.verdict === 'valid' ? introducedContract(intent) : undefined;
  const contractReleasedBy = releasedBy(intent, released);
  const result: StructureResult = {
    verdict: verdict.verdict,
    errors: verdict.verdict === 'invalid' ? verdict.errors : [],
    missingKeys: verdict.verdict === 'schema-update-required' ? verdict.missingKeys : [],
    message: verdict.verdict === 'schema-update-required' ? verdict.message : undefined,
    ...(introduces ? { introduces } : {}),
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
      ? {
          latestContractVersion: verdict.latestContractVersion,
          ...(verdict.fitsContractVersion ? { fitsContractVersion: verdict.fitsContractVersion } : {}),
        }
      : {}),
    // Verify re-checks the verdict against these instead of compiling the contract again.
    ...structureDigests(intent, catalog),
    // A version a schema update released: the intent whose `contract.registered` entry holds this contract.
    ...(contractReleasedBy ? { contractReleasedBy } : {}),
  });
  return result;
}
