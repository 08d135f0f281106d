import type { PayloadStore } from '../../ports/payload-store.js';
import type { StateStore } from '../../ports/state-store.js';
import type { Catalog, Profile } from '../catalog-schema.js';
import { ConfigurationError, VersionConflictError } from '../errors.js';
import type { PayloadRef } from '../intake/payload-ref.js';
import type { Intent, ResolvedIntent } from '../intent.js';
import { canonicalDigest } from '../ledger/canonical-json.js';
import { stateKeys } from '../state-keys.js';
import type { PipelineDeps } from './deps.js';
import { payloadContent } from './payloads.js';

/**
 * Contract versions released by schema-update intents. A schema update that releases registers the contract its
 * payload carries (`change.payload.schema` as `change.payload.version`) for its service's profile, once: the
 * state item is written only if absent, and names the intent, the contract's digest and the contract itself (or
 * the reference of the payload that holds it). Later intents may name that version as they name one in the
 * catalog; the ledger's `contract.registered` entry of the schema update and the `contractDigest` (and
 * `contractReleasedBy`) of every `structure.validated` against it tie the two together. The catalog wins: a
 * version it defines is never registered, nor replaced by a registered one.
 */

/** What the state table keeps of a registered contract version. */
export interface RegisteredContract {
  /** The schema-update intent whose release registered it. */
  intentId: string;
  /** SHA-256 of the JCS of the contract (`canonicalDigest`). */
  contractDigest: string;
  registeredAt: string;
  /** The contract, when the schema update carried its payload inline. */
  schema?: Record<string, unknown>;
  /** Else the payload by reference, whose `schema` is the contract. */
  payloadRef?: PayloadRef;
}

/** Reads registered contracts; a payload store only for those whose schema update carried it by reference. */
type Reader = { state: StateStore; payloads?: Pick<PayloadStore, 'get'> };

function storeOf(deps: Reader): Pick<PayloadStore, 'get'> {
  if (!deps.payloads)
    throw new ConfigurationError('reading a released contract by reference needs a payload store');
  return deps.payloads;
}

/** A released contract version, resolved: the contract and the schema update that released it. */
export interface ReleasedContract {
  version: string;
  schema: Record<string, unknown>;
  intentId: string;
  contractDigest: string;
}

/**
 * Resolved contracts by item and digest. A registered version is written once and never changes, so the object
 * resolved for it is kept: `compileContract` caches validators by schema identity, and a payload by reference is
 * fetched once per process.
 */
const resolved = new Map<string, ReleasedContract>();

async function resolve(
  version: string,
  item: RegisteredContract,
  cacheKey: string,
  deps: Reader,
): Promise<ReleasedContract> {
  const key = `${cacheKey}/${version}/${item.intentId}/${item.contractDigest}`;
  const kept = resolved.get(key);
  if (kept) return kept;
  const schema =
    item.schema ??
    (item.payloadRef ? (await payloadContent(item.payloadRef, storeOf(deps))).schema : undefined);
  if (typeof schema !== 'object' || schema === null || canonicalDigest(schema) !== item.contractDigest) {
    throw new Error(
      `registered contract ${cacheKey}@${version} of ${item.intentId} is not the contract its digest ${item.contractDigest} names`,
    );
  }
  const contract = {
    version,
    schema: schema as Record<string, unknown>,
    intentId: item.intentId,
    contractDigest: item.contractDigest,
  };
  resolved.set(key, contract);
  return contract;
}

/** The contract versions schema updates released for a profile, oldest first; none the catalog defines. */
export async function releasedContracts(
  catalog: Catalog,
  service: string,
  profile: string,
  deps: Reader,
): Promise<ReleasedContract[]> {
  const defined = catalog.services[service]?.profiles[profile];
  if (!defined) return [];
  const key = stateKeys.registeredContract(service, profile, '');
  const items = await deps.state.list<RegisteredContract>(key.pk);
  const contracts: ReleasedContract[] = [];
  for (const item of items) {
    if (defined.contracts[item.sk] !== undefined) continue;
    contracts.push(await resolve(item.sk, item.data, key.pk, deps));
  }
  return contracts;
}

/**
 * The catalog as an intent of `service`/`profile` sees it: that profile's contracts with the versions schema
 * updates released added (the catalog's own unchanged). The same catalog object when none was released.
 */
export async function withReleasedContracts(
  catalog: Catalog,
  service: string,
  profile: string,
  deps: Reader,
): Promise<{ catalog: Catalog; released: ReleasedContract[] }> {
  const released = await releasedContracts(catalog, service, profile, deps);
  if (released.length === 0) return { catalog, released };
  const serviceNow = catalog.services[service];
  const profileNow = serviceNow?.profiles[profile];
  if (!serviceNow || !profileNow) return { catalog, released: [] };
  const contracts = { ...profileNow.contracts };
  for (const contract of released) contracts[contract.version] = contract.schema;
  const widened: Profile = { ...profileNow, contracts };
  return {
    catalog: {
      ...catalog,
      services: {
        ...catalog.services,
        [service]: { ...serviceNow, profiles: { ...serviceNow.profiles, [profile]: widened } },
      },
    },
    released,
  };
}

/** The schema update that released the contract version the intent names, if a schema update did. */
export function releasedBy(intent: Intent, released: readonly ReleasedContract[]): string | undefined {
  if (intent.change.kind === 'schema-update') return undefined;
  return released.find((contract) => contract.version === intent.change.contractVersion)?.intentId;
}

/**
 * The contract a release of the intent deploys against, when the catalog lacks its version (one item read, by
 * key): the releaser derives a feature-flag profile's attribute constraints from it. Empty for a catalog version.
 */
export async function releaseContract(
  intent: ResolvedIntent,
  deps: Pick<PipelineDeps, 'catalog'> & Reader,
): Promise<{ contract?: Record<string, unknown> }> {
  const { service, profile, contractVersion, kind } = intent.change;
  if (kind === 'schema-update') return {};
  const defined = deps.catalog.services[service]?.profiles[profile];
  if (!defined || defined.contracts[contractVersion] !== undefined) return {};
  const key = stateKeys.registeredContract(service, profile, contractVersion);
  const item = await deps.state.get<RegisteredContract>(key.pk, key.sk);
  if (!item) return {};
  return { contract: (await resolve(contractVersion, item.data, key.pk, deps)).schema };
}

/** What a valid schema update would register: its version and the digest of its contract. */
export interface IntroducedContract {
  contractVersion: string;
  contractDigest: string;
}

/** The version and contract digest a schema-update payload introduces. */
export function introducedContract(intent: ResolvedIntent): IntroducedContract | undefined {
  if (intent.change.kind !== 'schema-update') return undefined;
  const { version, schema } = intent.change.payload;
  if (typeof version !== 'string' || typeof schema !== 'object' || schema === null) return undefined;
  return { contractVersion: version, contractDigest: canonicalDigest(schema) };
}

export type Registration =
  | { registered: true; record: RegisteredContract }
  | { registered: false; reason: 'in-catalog' | 'taken'; by?: string };

/**
 * Registers the contract of a released schema update, once: absent, the item is written (conditionally, so two
 * writers never both win); present and this intent's, a retry, nothing is written; another intent's, or a version
 * the catalog defines, registers nothing.
 */
export async function registerContract(
  intent: Intent,
  intentId: string,
  introduced: IntroducedContract,
  deps: Pick<PipelineDeps, 'catalog' | 'clock'> & { state: StateStore },
): Promise<Registration> {
  const { service, profile } = intent.change;
  const { contractVersion, contractDigest } = introduced;
  if (deps.catalog.services[service]?.profiles[profile]?.contracts[contractVersion] !== undefined) {
    return { registered: false, reason: 'in-catalog' };
  }
  const key = stateKeys.registeredContract(service, profile, contractVersion);
  const existing = await deps.state.get<RegisteredContract>(key.pk, key.sk);
  if (existing) return ours(existing.data, intentId, contractDigest);
  const { payload, payloadRef } = intent.change;
  const schema = payload?.schema;
  const record: RegisteredContract = {
    intentId,
    contractDigest,
    registeredAt: deps.clock.now().toISOString(),
    ...(payloadRef
      ? { payloadRef }
      : typeof schema === 'object' && schema !== null
        ? { schema: schema as Record<string, unknown> }
        : {}),
  };
  try {
    await deps.state.put(key.pk, key.sk, record, 0);
    return { registered: true, record };
  } catch (error) {
    if (!(error instanceof VersionConflictError)) throw error;
    const winner = await deps.state.get<RegisteredContract>(key.pk, key.sk);
    if (!winner) throw error;
    return ours(winner.data, intentId, contractDigest);
  }
}

function ours(record: RegisteredContract, intentId: string, contractDigest: string): Registration {
  return record.intentId === intentId && record.contractDigest === contractDigest
    ? { registered: true, record }
    : { registered: false, reason: 'taken', by: record.intentId };
}
