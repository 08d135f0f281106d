/** DSSE payload type of a signed decision package. */
export const DECISION_PAYLOAD_TYPE = 'application/vnd.itv.decision+json';
/** DSSE payload type of a signed ledger checkpoint (tree head). */
export const CHECKPOINT_PAYLOAD_TYPE = 'application/vnd.itv.checkpoint+json';
/** DSSE payload type of an in-toto Statement v1 (the evidence bundle manifest). */
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
