export type { DoorIssue } from './door-issue.js';
export { intentLimits } from './limits.js';
export { type Screened, screenIntent } from './screen-intent.js';
export { secretRules } from './secret-rules.js';
export type { SecretFinding } from './secret-scan.js';
