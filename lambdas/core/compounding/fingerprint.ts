import type { Service } from '../catalog-schema.js';
import type { Intent } from '../intent.js';
import { canonicalDigest } from '../ledger/canonical-json.js';

/**
 * A decision's fingerprint: what made it the decision it was, minus the payload. Two intents with the same
 * fingerprint change the same contract of the same service, in the same way, under the same policy set and the
 * same risk — so a decision validated and released cleanly for one holds for the other (a standard change).
 */
export interface FingerprintAttributes {
  service: string;
  /** The profile is part of the contract's identity: two profiles may share a version number. */
  profile: string;
  kind: Intent['change']['kind'];
  contractVersion: string;
  policySetHash: string;
  risk: {
    tier: number;
    gate: string;
    requiresReviewer: boolean;
    blastRadius: string[];
    reversibility: Intent['constraints']['reversibility'];
    onRegression: Intent['constraints']['onRegression'];
    dataClassification: Service['dataClassification'];
    complianceDomains: string[];
  };
}

/** The admission facts the fingerprint reads. */
export interface AdmittedRisk {
  tier: number;
  gate: string;
  requiresReviewer: boolean;
  blastRadius: string[];
  policySetHash: string;
}

/** The attributes of an admitted intent, in a stable order (blast radius and domains sorted). */
export function fingerprintAttributes(
  intent: Intent,
  admission: AdmittedRisk,
  service: Pick<Service, 'dataClassification' | 'complianceDomains'>,
): FingerprintAttributes {
  return {
    service: intent.change.service,
    profile: intent.change.profile,
    kind: intent.change.kind,
    contractVersion: intent.change.contractVersion,
    policySetHash: admission.policySetHash,
    risk: {
      tier: admission.tier,
      gate: admission.gate,
      requiresReviewer: admission.requiresReviewer,
      blastRadius: [...admission.blastRadius].sort(),
      reversibility: intent.constraints.reversibility,
      onRegression: intent.constraints.onRegression,
      dataClassification: service.dataClassification,
      complianceDomains: [...service.complianceDomains].sort(),
    },
  };
}

/** Hex SHA-256 of the attributes' RFC 8785 form: equal attributes, equal fingerprint, whatever the key order. */
export function decisionFingerprint(attributes: FingerprintAttributes): string {
  return canonicalDigest(attributes);
}
