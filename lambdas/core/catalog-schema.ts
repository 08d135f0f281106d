import * as z from 'zod';
import { checkReferences } from './catalog-references.js';
import { ConfigurationError } from './errors.js';
import { checkIdentityClaims, type IdentityClaim } from './principals/identity-claims.js';
import {
  type Principal,
  principalIdSchema,
  principalSchema,
  type RecordedDelegation,
  recordedDelegationSchema,
} from './principals/principal-schema.js';

/**
 * Structural knowledge: services, their owners, topology, contracts (JSON Schema per profile version)
 * and SLO baselines. The data lives in `catalog/` as TypeScript modules so the Lambda bundle carries it.
 */

const serviceName = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[a-z0-9][a-z0-9._-]*$/, 'must be lower-case letters, digits, ".", "_" or "-"');
/** Every reference to a person or automation is a catalog principal id (see `principals/principal-schema.ts`). */
const principal = principalIdSchema;
export const semverPattern = /^\d+\.\d+\.\d+$/;

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

export const dataClassifications = ['public', 'internal', 'confidential', 'restricted'] as const;
export const complianceDomains = ['SOC2', 'GDPR', 'HIPAA', 'SOX', 'PCI'] as const;
/** Legal areas whose data must stay inside them; `policies/jurisdictions.ts` maps each to its AWS regions. */
export const residencyJurisdictions = ['EU', 'UK', 'US', 'CA', 'AU', 'JP', 'IN'] as const;

const localTime = z
  .string()
  .regex(/^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'must be a local time HH:MM from 00:00 to 24:00');

/** Local working hours of the owning team; times are wall-clock times in the service's `timeZone`. */
export const businessHoursSchema = z
  .object({
    /** 0 = Sunday … 6 = Saturday. */
    weekdays: z.array(z.number().int().min(0).max(6)).min(1),
    from: localTime,
    to: localTime,
  })
  .strict()
  .refine((h) => h.from < h.to, { message: 'must end after it starts', path: ['to'] });

/** What legal has cleared for a service: where its data may live and in which countries it may operate. */
export const legalSchema = z
  .object({
    dataResidency: z.enum(residencyJurisdictions).optional(),
    /** ISO 3166-1 alpha-2 codes; when present, changes may target only these countries. */
    clearedCountries: z
      .array(z.string().regex(/^[A-Z]{2}$/, 'must be ISO 3166-1 alpha-2, e.g. DE'))
      .optional(),
    /** Who grants a new clearance or a transfer mechanism. */
    contact: principal,
  })
  .strict();

export const sloBaselineSchema = z
  .object({
    availabilityObjective: z.number().gt(0).max(1),
    /** Baseline fraction of failed requests, the reference for regression detection. */
    errorRate: z.number().min(0).max(1),
    latencyP99Ms: z.number().positive(),
    errorBudgetRemaining: z.number().min(0).max(1),
  })
  .refine((slo) => slo.errorRate < 1 - slo.availabilityObjective, {
    message:
      'errorRate must be below the error budget (1 - availabilityObjective): a baseline cannot already miss its SLO',
    path: ['errorRate'],
  });

export const profileSchema = z.object({
  type: z.enum(['feature-flags', 'freeform']),
  /** JSON Schema per semantic version; `checkContracts` compiles each one. */
  contracts: z
    .record(
      z.string().regex(semverPattern, 'must be a semantic version such as 1.2.0'),
      z.record(z.string(), z.unknown()),
    )
    .refine((c) => Object.keys(c).length > 0, 'must hold at least one contract version'),
});

export const serviceSchema = z
  .object({
    name: serviceName,
    title: z.string().min(1).max(200),
    ownerTeam: serviceName,
    /** May be empty: an orphaned service stays in the catalog, and intents against it are incomplete. */
    owners: z.array(principal),
    /** Team roles allowed to change the service without being an owner. */
    changeRoles: z.array(z.string().min(1).max(128)).default([]),
    timeZone: z.string().refine(isTimeZone, 'must be an IANA time zone such as Europe/Berlin'),
    /** The AppConfig environment name: the lane in which one deployment runs at a time. */
    environment: serviceName,
    dependencies: z.array(serviceName).default([]),
    dataClassification: z.enum(dataClassifications),
    complianceDomains: z.array(z.enum(complianceDomains)).default([]),
    /** When present, changes land only inside these local hours (see `operational-business-hours`). */
    businessHours: businessHoursSchema.optional(),
    legal: legalSchema.optional(),
    slo: sloBaselineSchema,
    profiles: z
      .record(serviceName, profileSchema)
      .refine((p) => Object.keys(p).length > 0, 'must hold at least one profile'),
  })
  .strict();

export const teamSchema = z
  .object({
    name: serviceName,
    title: z.string().min(1).max(200),
    /** A principal's role in this team; a principal may belong to several teams. */
    members: z.array(z.object({ principal, role: z.string().min(1).max(128) }).strict()),
  })
  .strict();

export const catalogDataSchema = z
  .object({
    principals: z.array(principalSchema),
    teams: z.array(teamSchema),
    services: z.array(serviceSchema),
    /** Reviewers of record per compliance domain, by principal id. */
    reviewers: z.partialRecord(z.enum(complianceDomains), z.array(principal).min(1)).default({}),
    /** Who acts for whom, recorded here and nowhere else. */
    delegations: z.array(recordedDelegationSchema).default([]),
  })
  .strict();

export type DataClassification = (typeof dataClassifications)[number];
export type ComplianceDomain = (typeof complianceDomains)[number];
export type ResidencyJurisdiction = (typeof residencyJurisdictions)[number];
export type BusinessHours = z.infer<typeof businessHoursSchema>;
export type SloBaseline = z.infer<typeof sloBaselineSchema>;
export type Profile = z.infer<typeof profileSchema>;
export type Service = z.infer<typeof serviceSchema>;
export type ServiceInput = z.input<typeof serviceSchema>;
export type Team = z.infer<typeof teamSchema>;
export type TeamInput = z.input<typeof teamSchema>;
export type CatalogData = z.input<typeof catalogDataSchema>;

/** The loaded catalog, indexed by name. */
export interface Catalog {
  /** People and automation, by id. */
  principals: Readonly<Record<string, Principal>>;
  services: Readonly<Record<string, Service>>;
  teams: Readonly<Record<string, Team>>;
  /** Principal ids of the reviewers of record per compliance domain. */
  reviewers: Readonly<Partial<Record<ComplianceDomain, string[]>>>;
  /** Recorded delegations, expired ones included (an expired one explains a refusal). */
  delegations: readonly RecordedDelegation[];
  /** Every IAM identity a principal claims; no identity claimed by two principals. */
  identities: readonly IdentityClaim[];
  /** The automation principal behind each EventBridge source. */
  eventSources: Readonly<Record<string, string>>;
}

function fieldPath(path: ReadonlyArray<PropertyKey>): string {
  return path
    .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
    .join('')
    .replace(/^\./, '');
}

/** Names the offending entry by its `name` when the issue sits inside a service or team. */
function describeIssue(data: unknown, issue: z.core.$ZodIssue): string {
  const [section, index, ...rest] = issue.path;
  const entries = (data as Record<string, unknown> | null)?.[String(section)];
  const labels: Record<string, string> = { services: 'service', teams: 'team', principals: 'principal' };
  const label = labels[String(section)];
  if (label && typeof index === 'number' && Array.isArray(entries)) {
    const entry = entries[index] as { name?: unknown; id?: unknown } | undefined;
    const entryName = section === 'principals' ? entry?.id : entry?.name;
    const who = typeof entryName === 'string' ? `"${entryName}"` : `#${index}`;
    return `catalog ${label} ${who}: field "${fieldPath(rest) || '(entry)'}" ${issue.message}`;
  }
  return `catalog: field "${fieldPath(issue.path) || '(root)'}" ${issue.message}`;
}

function indexByName<T extends { name: string }>(entries: T[], label: string): Record<string, T> {
  const index: Record<string, T> = {};
  for (const entry of entries) {
    if (index[entry.name]) throw new ConfigurationError(`catalog ${label} "${entry.name}" is defined twice`);
    index[entry.name] = entry;
  }
  return index;
}

function indexPrincipals(principals: readonly Principal[]): Record<string, Principal> {
  const index: Record<string, Principal> = {};
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
  const sources: Record<string, string> = {};
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
    const messages = parsed.error.issues.map((issue) => describeIssue(data, issue));
    throw new ConfigurationError(messages.join('; '), { cause: parsed.error });
  }
  const catalog: Catalog = {
    principals: indexPrincipals(parsed.data.principals),
    services: indexByName(parsed.data.services, 'service'),
    teams: indexByName(parsed.data.teams, 'team'),
    reviewers: parsed.data.reviewers,
    delegations: parsed.data.delegations,
    identities: identityClaims(parsed.data.principals),
    eventSources: eventSources(parsed.data.principals),
  };
  checkReferences(catalog);
  checkIdentityClaims(catalog.identities);
  return catalog;
}
