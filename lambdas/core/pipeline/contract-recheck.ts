import type { StoredEntry } from '../../ports/ledger-store.js';
import type { Catalog } from '../catalog-schema.js';
import { compareSemver, latestContractVersion } from '../contract-versions.js';
import type { ResolvedIntent } from '../intent.js';
import { canonicalDigest } from '../ledger/canonical-json.js';
import { ledgerPayloads, payloadOf } from '../ledger/entry-payloads.js';

/**
 * What ValidateStructure records beside its verdict: digests of the payload it validated and of the contract
 * it validated it against (none for a schema update, whose payload is the candidate contract itself).
 */
export function structureDigests(
  intent: ResolvedIntent,
  catalog: Catalog,
): { payloadDigest: string; contractDigest?: string } {
  const { service, profile, contractVersion, kind, payload } = intent.change;
  const contract =
    kind === 'schema-update'
      ? undefined
      : catalog.services[service]?.profiles[profile]?.contracts[contractVersion];
  return {
    payloadDigest: canonicalDigest(payload),
    ...(contract ? { contractDigest: canonicalDigest(contract) } : {}),
  };
}

/** Entries written before the digests were recorded lack them. */
const validatedSchema = ledgerPayloads['structure.validated']
  .pick({ payloadDigest: true, contractDigest: true })
  .partial()
  .loose();

/**
 * Verify's contract check, without a JSON Schema compiler of its own: validating a payload against a contract
 * is a pure function of the two, so ValidateStructure's `valid` verdict for this intent still holds while the
 * payload and the contract are the ones it validated. What may have moved since is the catalog: a contract
 * changed in place fails the check, and a schema update must still be newer than the latest contract version.
 * Entries written before the digests were recorded keep their verdict.
 */
export function recheckContract(
  intent: ResolvedIntent,
  catalog: Catalog,
  entries: readonly StoredEntry[],
): { passed: boolean; detail: string } {
  const { service, profile, contractVersion, kind } = intent.change;
  const subject = `payload against ${service}/${profile}@${contractVersion}`;
  const failed = (reason: string) => ({ passed: false, detail: `${subject}: ${reason}` });
  const validated = entries.find((stored) => stored.entry.type === 'structure.validated');
  if (!validated) return failed('ValidateStructure recorded no valid verdict for this intent');
  const recorded = payloadOf(validated.entry, validatedSchema);
  const now = structureDigests(intent, catalog);
  if (recorded.payloadDigest && recorded.payloadDigest !== now.payloadDigest) {
    return failed('the payload is not the one ValidateStructure validated');
  }
  const profileNow = catalog.services[service]?.profiles[profile];
  if (!profileNow) return failed(`profile "${profile}" is no longer in the catalog`);
  if (kind === 'schema-update') {
    const latest = latestContractVersion(profileNow);
    if (compareSemver(contractVersionOf(intent), latest) <= 0) {
      return failed(
        `schema update version ${contractVersionOf(intent)} is no longer greater than the latest contract version ${latest}`,
      );
    }
  } else if (!now.contractDigest) {
    return failed('this contract version is no longer in the catalog');
  } else if (recorded.contractDigest && recorded.contractDigest !== now.contractDigest) {
    return failed('the contract changed since ValidateStructure validated the payload against it');
  }
  return { passed: true, detail: `${subject}: valid` };
}

/** The version a schema update introduces (`change.payload.version`, checked by ValidateStructure). */
function contractVersionOf(intent: ResolvedIntent): string {
  return String(intent.change.payload.version);
}
