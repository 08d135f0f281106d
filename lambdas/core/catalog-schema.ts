import * as z from 'zod';
import type { IdentityClaim } from './principals/identity-claims.js';
import {
  type Principal,
  principalIdSchema,
  principalSchema,
  type RecordedDelegation,
  recordedDelegationSchema,
} from './principals/principal-schema.js';
import { tagMapSchema } from './tags.js';

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
    /**
     * Tags true of every change to the service (`productLine`, `businessUnit` …): recorded with each of its
     * intents' own, which may add to them but not contradict them (`lambdas/core/tags.ts`).
     */
    tags: tagMapSchema.default({}),
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
    /**
     * Release stewards, by principal id: they own rollback and incident response across services, so they may
     * stop any intent in flight and retry one after a stop.
     */
    releaseStewards: z.array(principal).default([]),
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
  /** Principal ids of the release stewards: they may stop any intent, and retry one after a stop. */
  releaseStewards: readonly string[];
  /** Recorded delegations, expired ones included (an expired one explains a refusal). */
  delegations: readonly RecordedDelegation[];
  /** Every IAM identity a principal claims; no identity claimed by two principals. */
  identities: readonly IdentityClaim[];
  /** The automation principal behind each EventBridge source. */
  eventSources: Readonly<Record<string, string>>;
}
