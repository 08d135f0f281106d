import type { ServiceInput } from '../../lambdas/core/catalog-schema.js';
import { bool, objectContract, positiveInt } from '../contracts.js';

/** Patient records: protected health information under HIPAA. */
export const patientRecords = {
  name: 'patient-records',
  title: 'Patient records',
  ownerTeam: 'clinical',
  owners: ['victor'],
  changeRoles: ['engineering-manager'],
  timeZone: 'America/Chicago',
  environment: 'prod',
  dependencies: ['access-review', 'model-gateway'],
  dataClassification: 'restricted',
  complianceDomains: ['HIPAA', 'SOC2'],
  tags: { businessUnit: 'health', serviceLine: 'clinical-records' },
  // The business associate agreements promise US-only storage of protected health information.
  legal: { dataResidency: 'US', contact: 'privacy-counsel' },
  slo: { availabilityObjective: 0.9995, errorRate: 0.0002, latencyP99Ms: 350, errorBudgetRemaining: 0.93 },
  profiles: {
    'access-controls': {
      type: 'freeform',
      contracts: {
        '1.0.0': objectContract({
          retentionDays: { type: 'integer', minimum: 2190 },
          breakGlassEnabled: bool,
          breakGlassMaxMinutes: positiveInt,
          auditLogLevel: { enum: ['standard', 'verbose'] },
          exportFormats: { type: 'array', uniqueItems: true, items: { enum: ['fhir-r4', 'ccda', 'pdf'] } },
        }),
      },
    },
  },
} satisfies ServiceInput;
