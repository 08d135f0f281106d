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
} as const;

export interface InFlightRecord {
  intentId: string;
  lane: string;
  blastRadius: string[];
  admittedAt: string;
}
