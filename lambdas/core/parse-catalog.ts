import type * as z from 'zod';
import { checkReferences } from './catalog-references.js';
import { type Catalog, catalogDataSchema } from './catalog-schema.js';
import { ConfigurationError } from './errors.js';
import { checkIdentityClaims, type IdentityClaim } from './principals/identity-claims.js';
import type { Principal } from './principals/principal-schema.js';

function fieldPath(path: ReadonlyArray<PropertyKey>): string {
  return path
    .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
    .join('')
    .replace(/^\./, '');
}

/**
 * Names the offending entry by its `name` when the issue sits inside a service or team; an unknown key is named by
 * its own path, one line per key.
 */
function describeIssue(data: unknown, issue: z.core.$ZodIssue): string[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) =>
      describeAt(data, [...issue.path, key], 'is an unknown key: the catalog schema has no such field'),
    );
  }
  return [describeAt(data, issue.path, issue.message)];
}

function describeAt(data: unknown, path: ReadonlyArray<PropertyKey>, message: string): string {
  const [section, index, ...rest] = path;
  const entries = (data as Record<string, unknown> | null)?.[String(section)];
  const labels: Record<string, string> = { services: 'service', teams: 'team', principals: 'principal' };
  const label = labels[String(section)];
  if (label && typeof index === 'number' && Array.isArray(entries)) {
    const entry = entries[index] as { name?: unknown; id?: unknown } | undefined;
    const entryName = section === 'principals' ? entry?.id : entry?.name;
    const who = typeof entryName === 'string' ? `"${entryName}"` : `#${index}`;
    return `catalog ${label} ${who}: field "${fieldPath(rest) || '(entry)'}" ${message}`;
  }
  return `catalog: field "${fieldPath(path) || '(root)'}" ${message}`;
}

/**
 * An index with no prototype: looked up by a name someone sent (a token's principal, a delegation's services),
 * `constructor`, `__proto__` or `toString` finds nothing rather than what every object inherits.
 */
function emptyIndex<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

function indexByName<T extends { name: string }>(entries: T[], label: string): Record<string, T> {
  const index = emptyIndex<T>();
  for (const entry of entries) {
    if (index[entry.name]) throw new ConfigurationError(`catalog ${label} "${entry.name}" is defined twice`);
    index[entry.name] = entry;
  }
  return index;
}

function indexPrincipals(principals: readonly Principal[]): Record<string, Principal> {
  const index = emptyIndex<Principal>();
  const emails = new Map<string, string>();
  for (const principal of principals) {
    if (index[principal.id])
      throw new ConfigurationError(`catalog principal "${principal.id}" is defined twice`);
    index[principal.id] = principal;
    const email = principal.email?.toLowerCase();
    if (email) {
      const other = emails.get(email);
      if (other) {
        throw new ConfigurationError(
          `catalog principals "${other}" and "${principal.id}" both have e-mail ${principal.email}; an e-mail names one principal`,
        );
      }
      emails.set(email, principal.id);
    }
  }
  return index;
}

function identityClaims(principals: readonly Principal[]): IdentityClaim[] {
  return principals.flatMap((principal) =>
    principal.identities.map((identity, i) => ({
      principal: principal.id,
      identity,
      source: `principals.${principal.id}.identities[${i}]`,
    })),
  );
}

function eventSources(principals: readonly Principal[]): Record<string, string> {
  const sources = emptyIndex<string>();
  for (const principal of principals) {
    if (!principal.eventSource) continue;
    const other = sources[principal.eventSource];
    if (other) {
      throw new ConfigurationError(
        `catalog principals "${other}" and "${principal.id}" both claim event source "${principal.eventSource}"; each source belongs to one principal`,
      );
    }
    sources[principal.eventSource] = principal.id;
  }
  return sources;
}

/**
 * Validates raw catalog data (zod shape, references, IAM identities claimed by one principal each); throws
 * `ConfigurationError`. Contracts are compiled by `checkContracts` (`structure.ts`), apart from this, so that
 * functions that never validate a payload do not carry a JSON Schema compiler.
 */
export function parseCatalog(data: unknown): Catalog {
  const parsed = catalogDataSchema.safeParse(data);
  if (!parsed.success) {
    // Every issue at once, a line each: fixing one at a time, a run each, is slow.
    const messages = parsed.error.issues.flatMap((issue) => describeIssue(data, issue));
    throw new ConfigurationError(messages.join('\n'), { cause: parsed.error });
  }
  const catalog: Catalog = {
    principals: indexPrincipals(parsed.data.principals),
    services: indexByName(parsed.data.services, 'service'),
    teams: indexByName(parsed.data.teams, 'team'),
    reviewers: Object.assign(Object.create(null) as Catalog['reviewers'], parsed.data.reviewers),
    releaseStewards: parsed.data.releaseStewards,
    delegations: parsed.data.delegations,
    identities: identityClaims(parsed.data.principals),
    eventSources: eventSources(parsed.data.principals),
  };
  checkReferences(catalog);
  checkIdentityClaims(catalog.identities);
  return catalog;
}
