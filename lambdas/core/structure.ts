import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { Catalog, Profile } from './catalog-schema.js';
import { compareSemver, latestContractVersion } from './contract-versions.js';
import { ConfigurationError } from './errors.js';
import type { ResolvedIntent } from './intent.js';
import { contradictedTags } from './tags.js';

/** Structural validation: the change must map to an existing contract (JSON Schema) of its service's profile. */

export interface StructureIssue {
  path: string;
  message: string;
}

export type StructureVerdict =
  | { verdict: 'valid' }
  | { verdict: 'invalid'; errors: StructureIssue[] }
  | {
      verdict: 'schema-update-required';
      missingKeys: string[];
      /** The newest contract version of the profile: the schema update must introduce a greater one. */
      latestContractVersion: string;
      /** The first later contract version the payload is valid against, if one is: no schema update is needed. */
      fitsContractVersion?: string;
      message: string;
    };

/** The facts of a schema-update-required verdict, as ValidateStructure records them. */
export interface SchemaUpdateFacts {
  service: string;
  profile: string;
  contractVersion: string;
  missingKeys: readonly string[];
  latestContractVersion: string;
  fitsContractVersion?: string;
}

/** What a schema-update-required verdict asks of the requester, in words, from the facts it recorded. */
export function schemaUpdateMessage(facts: SchemaUpdateFacts): string {
  const { service, profile, contractVersion } = facts;
  const listed = facts.missingKeys.map((k) => `"${k}"`).join(', ');
  if (facts.fitsContractVersion) {
    return `The payload has keys that contract ${service}/${profile}@${contractVersion} lacks: ${listed}. Contract version ${facts.fitsContractVersion} has them, and the payload is valid against it: resubmit this change against contractVersion ${facts.fitsContractVersion}.`;
  }
  return `The payload has keys that contract ${service}/${profile}@${contractVersion} lacks: ${listed}. Submit a schema-update intent for profile "${profile}" of service "${service}" that adds ${listed} in a version greater than ${facts.latestContractVersion}, then resubmit this change against that version.`;
}

// ajv-formats is CommonJS: under NodeNext its default import is the module object.
const addFormats = addFormatsModule.default;

// addUsedSchema: false keeps contracts that share an `$id` (successive versions) from colliding in the registry.
const ajv = new Ajv({ allErrors: true, strict: true, addUsedSchema: false });
addFormats(ajv);

const compiled = new WeakMap<object, ValidateFunction>();

/** Compiles a contract once and caches the validator by schema identity; throws when it is not valid JSON Schema. */
export function compileContract(schema: Record<string, unknown>): ValidateFunction {
  const cached = compiled.get(schema);
  if (cached) return cached;
  const validate = ajv.compile(schema);
  compiled.set(schema, validate);
  return validate;
}

const checkedCatalogs = new WeakSet<Catalog>();

/**
 * Compiles every contract of the catalog (once per catalog) and returns it; throws `ConfigurationError`
 * naming the first contract that is not valid JSON Schema. Kept apart from `parseCatalog` so that only the
 * functions that validate payloads carry ajv.
 */
export function checkContracts(catalog: Catalog): Catalog {
  if (checkedCatalogs.has(catalog)) return catalog;
  for (const service of Object.values(catalog.services)) {
    for (const [profileName, profile] of Object.entries(service.profiles)) {
      for (const [version, schema] of Object.entries(profile.contracts)) {
        try {
          compileContract(schema);
        } catch (error) {
          throw new ConfigurationError(
            `catalog service "${service.name}": field "profiles.${profileName}.contracts.${version}" is not a valid JSON Schema: ${(error as Error).message}`,
            { cause: error },
          );
        }
      }
    }
  }
  checkedCatalogs.add(catalog);
  return catalog;
}

function pointerToPath(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function payloadPath(segments: string[]): string {
  return ['change.payload', ...segments].join('.');
}

function describeError(error: ErrorObject): StructureIssue {
  const segments = pointerToPath(error.instancePath);
  if (error.keyword === 'required') {
    const missing = String((error.params as { missingProperty: string }).missingProperty);
    return {
      path: payloadPath([...segments, missing]),
      message: `${payloadPath([...segments, missing])} is required by the contract`,
    };
  }
  if (error.keyword === 'additionalProperties') {
    const extra = String((error.params as { additionalProperty: string }).additionalProperty);
    return {
      path: payloadPath([...segments, extra]),
      message: `${payloadPath([...segments, extra])} is not in the contract`,
    };
  }
  return {
    path: payloadPath(segments),
    message: `${payloadPath(segments)} ${error.message ?? 'is invalid'}`,
  };
}

function unknownKey(error: ErrorObject): string | undefined {
  if (error.keyword !== 'additionalProperties') return undefined;
  const extra = String((error.params as { additionalProperty: string }).additionalProperty);
  return [...pointerToPath(error.instancePath), extra].join('.');
}

const schemaUpdatePayload = (payload: Record<string, unknown>) => {
  const { schema, version } = payload;
  const issues: StructureIssue[] = [];
  const extras = Object.keys(payload).filter((k) => k !== 'schema' && k !== 'version');
  for (const key of extras) {
    issues.push({
      path: `change.payload.${key}`,
      message: `change.payload.${key} is not allowed in a schema update`,
    });
  }
  if (typeof version !== 'string' || !/^\d+\.\d+\.\d+$/.test(version)) {
    issues.push({
      path: 'change.payload.version',
      message: 'change.payload.version must be a semantic version such as 1.3.0',
    });
  }
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    issues.push({
      path: 'change.payload.schema',
      message: 'change.payload.schema must be a JSON Schema object',
    });
  }
  return { schema: schema as Record<string, unknown>, version: version as string, issues };
};

function validateSchemaUpdate(intent: ResolvedIntent, profile: Profile): StructureVerdict {
  const { schema, version, issues } = schemaUpdatePayload(intent.change.payload);
  if (issues.length > 0) return { verdict: 'invalid', errors: issues };
  if (schema.type !== 'object') {
    issues.push({
      path: 'change.payload.schema.type',
      message: 'change.payload.schema.type must be "object": profile content is a JSON object',
    });
  }
  try {
    ajv.compile(schema);
  } catch (error) {
    issues.push({
      path: 'change.payload.schema',
      message: `change.payload.schema is not a valid JSON Schema: ${(error as Error).message}`,
    });
  } finally {
    // A candidate is not a contract until its update releases; dropping it keeps a long-running server lean.
    ajv.removeSchema(schema);
  }
  const latest = latestContractVersion(profile);
  if (compareSemver(version, latest) <= 0) {
    issues.push({
      path: 'change.payload.version',
      message: `change.payload.version ${version} must be greater than the latest contract version ${latest}`,
    });
  }
  return issues.length > 0 ? { verdict: 'invalid', errors: issues } : { verdict: 'valid' };
}

/**
 * Validates `change.payload` against the named contract version. When the only failures are keys the
 * contract lacks, the verdict is `schema-update-required`: behaviour changes are encoded in structure first.
 */
export function validateStructure(intent: ResolvedIntent, catalog: Catalog): StructureVerdict {
  const { service: serviceName, profile: profileName, contractVersion, kind } = intent.change;
  const service = catalog.services[serviceName];
  if (!service) {
    return {
      verdict: 'invalid',
      errors: [{ path: 'change.service', message: `change.service "${serviceName}" is not in the catalog` }],
    };
  }
  const contradicted = contradictedTags(service, intent.tags);
  if (contradicted.length > 0) return { verdict: 'invalid', errors: contradicted };
  const profile = service.profiles[profileName];
  if (!profile) {
    const known = Object.keys(service.profiles).join(', ');
    return {
      verdict: 'invalid',
      errors: [
        {
          path: 'change.profile',
          message: `change.profile "${profileName}" does not exist on service "${serviceName}" (profiles: ${known})`,
        },
      ],
    };
  }
  if (kind === 'schema-update') return validateSchemaUpdate(intent, profile);
  if ((kind === 'feature-flag') !== (profile.type === 'feature-flags')) {
    return {
      verdict: 'invalid',
      errors: [
        {
          path: 'change.kind',
          message: `change.kind "${kind}" does not fit profile "${profileName}" of type "${profile.type}": feature-flag changes go to feature-flags profiles, other changes to freeform profiles`,
        },
      ],
    };
  }
  const contract = profile.contracts[contractVersion];
  if (!contract) {
    const versions = Object.keys(profile.contracts).sort(compareSemver).join(', ');
    return {
      verdict: 'invalid',
      errors: [
        {
          path: 'change.contractVersion',
          message: `change.contractVersion ${contractVersion} does not exist for ${serviceName}/${profileName} (versions: ${versions})`,
        },
      ],
    };
  }
  const validate = compileContract(contract);
  if (validate(intent.change.payload)) return { verdict: 'valid' };
  const errors = validate.errors ?? [];
  const missingKeys = errors.map(unknownKey);
  if (missingKeys.every((k): k is string => k !== undefined)) {
    const fitsContractVersion = laterFit(intent.change.payload, profile, contractVersion);
    const facts = {
      service: serviceName,
      profile: profileName,
      contractVersion,
      missingKeys: [...new Set(missingKeys)].sort(),
      latestContractVersion: latestContractVersion(profile),
      ...(fitsContractVersion ? { fitsContractVersion } : {}),
    };
    return {
      verdict: 'schema-update-required',
      missingKeys: facts.missingKeys,
      latestContractVersion: facts.latestContractVersion,
      ...(fitsContractVersion ? { fitsContractVersion } : {}),
      message: schemaUpdateMessage(facts),
    };
  }
  return { verdict: 'invalid', errors: errors.map(describeError) };
}

/** The first contract version after `version` the payload is valid against (a schema update already released it). */
function laterFit(payload: Record<string, unknown>, profile: Profile, version: string): string | undefined {
  return Object.keys(profile.contracts)
    .filter((v) => compareSemver(v, version) > 0)
    .sort(compareSemver)
    .find((v) => {
      const contract = profile.contracts[v];
      return contract !== undefined && compileContract(contract)(payload) === true;
    });
}
