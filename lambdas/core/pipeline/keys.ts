/** Where each kind of operational state lives in the state store, in one place. */
export const stateKeys = {
  inFlight: () => ({ pk: 'INFLIGHT', sk: '' }),
  inFlightIntent: (intentId: string) => ({ pk: 'INFLIGHT', sk: intentId }),
  outcome: (service: string, kind: string, intentId: string) => ({
    pk: `OUTCOME#${service}#${kind}`,
    sk: intentId,
  }),
  reviewRequest: (intentId: string) => ({ pk: `INTENT#${intentId}`, sk: 'REVIEW_REQUEST' }),
  review: (intentId: string) => ({ pk: `INTENT#${intentId}`, sk: 'REVIEW' }),
  decisionCache: (fingerprint: string) => ({ pk: 'DECISION', sk: fingerprint }),
  /** One item per verified intent: whether it reused a decision (the continuity rate's tally). */
  continuity: (intentId: string) => ({ pk: 'CONTINUITY', sk: intentId }),
  /** Revocations of a principal's authority, one item per (effective instant, scope). */
  revocation: (principal: string, sk = '') => ({ pk: `REVOCATION#${principal}`, sk }),
} as const;

export interface InFlightRecord {
  intentId: string;
  lane: string;
  blastRadius: string[];
  admittedAt: string;
}
