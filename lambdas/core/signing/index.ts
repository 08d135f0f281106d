export { openCheckpoint, signCheckpoint } from './checkpoint-envelope.js';
export type { DsseEnvelope, DsseSignature } from './envelope.js';
export { dsseEnvelopeSchema, dsseSignatureSchema, envelopePayload } from './envelope.js';
export { keyIdOf } from './key-id.js';
export { pae } from './pae.js';
export { CHECKPOINT_PAYLOAD_TYPE, DECISION_PAYLOAD_TYPE, IN_TOTO_PAYLOAD_TYPE } from './payload-types.js';
export { signEnvelope } from './sign-envelope.js';
export type { EnvelopeVerification } from './verify-envelope.js';
export { verifyEnvelope } from './verify-envelope.js';
