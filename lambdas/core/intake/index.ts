export type { DoorIssue } from './door-issue.js';
export { intentLimits, payloadLimits } from './limits.js';
export { type CheckedPayload, checkPayloadBytes } from './payload-content.js';
export { type PayloadRef, payloadKey, payloadRefSchema } from './payload-ref.js';
export { type Screened, screenIntent } from './screen-intent.js';
export { screenPayloadRef } from './screen-payload-ref.js';
export { secretRules } from './secret-rules.js';
export type { SecretFinding } from './secret-scan.js';
