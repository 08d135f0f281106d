import { Buffer } from 'node:buffer';
import { submittedIntentSchema } from '../intent.js';
import type { DoorIssue } from './door-issue.js';
import { fieldIssues } from './field-issues.js';
import { intentLimits } from './limits.js';
import type { SecretFinding } from './secret-scan.js';
import { walkJson } from './walk-json.js';

export interface Screened {
  /** Empty when the intent may go on to be parsed, checked against the catalog and recorded. */
  issues: DoorIssue[];
  /** Secrets found, by rule, path and salted digest: all that may be kept of them. */
  secrets: SecretFinding[];
}

/**
 * The door every intent passes first, whichever entry point it came through and before anything reads it
 * further or writes it anywhere: nesting, JSON-ness, finite numbers, reserved keys and secrets (any of which
 * stops here), then string, key and array sizes, reported by the contract's own limit where a field has one
 * (a 10 MB title is refused for its 200 characters), then the whole intent's size. `salt` salts the digests
 * of any secret found: entry points pass a fresh random one.
 *
 * @example screenIntent({ title: 'x'.repeat(300) }, salt).issues[0].message // 'title: must be at most 200 characters, got 300 characters'
 */
export function screenIntent(raw: unknown, salt: string): Screened {
  const walked = walkJson(raw, salt);
  if (walked.unsafe.length > 0) {
    return { issues: [...walked.unsafe, ...walked.oversize], secrets: walked.secrets };
  }
  if (walked.oversize.length > 0) {
    return { issues: preferFieldLimits(raw, walked.oversize), secrets: [] };
  }
  const bytes = Buffer.byteLength(JSON.stringify(raw) ?? '', 'utf8');
  if (bytes > intentLimits.bytes) {
    return {
      issues: [
        {
          path: '',
          message: `intent: is ${bytes} bytes of JSON; the pipeline carries an intent of at most ${intentLimits.bytes} bytes (its Step Functions state holds 256 KiB in all)`,
        },
      ],
      secrets: [],
    };
  }
  return { issues: [], secrets: [] };
}

/** An oversize value a field of the contract limits more tightly is reported by that field's limit. */
function preferFieldLimits(raw: unknown, oversize: DoorIssue[]): DoorIssue[] {
  const parsed = submittedIntentSchema.safeParse(raw);
  const byField = parsed.success ? [] : fieldIssues(parsed.error, raw);
  return oversize.map((issue) => byField.find((field) => field.path === issue.path) ?? issue);
}
