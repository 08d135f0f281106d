import type { Catalog } from './catalog-schema.js';
import { fieldIssues } from './intake/field-issues.js';
import { screenIntent } from './intake/screen-intent.js';
import { type Intent, intakeIntentSchema } from './intent.js';
import { deriveIntentId } from './intent-id.js';
import { timingIssues } from './intent-timing.js';
import { compoundedValueIssue } from './value.js';

/** Intent declaration: the intent passes the door, parses, and names a service, profile and owners the catalog knows. */

export interface CompletenessIssue {
  path: string;
  message: string;
}

export type CompletenessResult =
  | { ok: true; intent: Intent; intentId: string }
  | {
      ok: false;
      issues: CompletenessIssue[];
      /**
       * Whether what was sent may be kept as it was (an incomplete intent's record shows it); false when the
       * door refused it: a secret, or a size or shape nothing downstream may store or carry.
       */
      storable: boolean;
    };

/** A value model within every field's bounds may still compound past any number a report can carry. */
function valueModelIssues(intent: Intent): CompletenessIssue[] {
  const issue = compoundedValueIssue(intent.goal.valueModel);
  return issue ? [{ path: 'goal.valueModel.growth', message: `goal.valueModel.growth: ${issue}` }] : [];
}

function catalogIssues(intent: Intent, catalog: Catalog): CompletenessIssue[] {
  const issues: CompletenessIssue[] = [];
  if (intent.authority.requester.trim() === '') {
    issues.push({ path: 'authority.requester', message: 'authority.requester must name a principal' });
  }
  const { service: serviceName, profile: profileName } = intent.change;
  const service = Object.hasOwn(catalog.services, serviceName) ? catalog.services[serviceName] : undefined;
  if (!service) {
    issues.push({
      path: 'change.service',
      message: `change.service "${serviceName}" is not in the service catalog`,
    });
    return issues;
  }
  if (service.owners.length === 0) {
    issues.push({
      path: 'change.service',
      message: `change.service "${serviceName}" has no owners in the catalog; an owner must be assigned before it can change`,
    });
  }
  if (!service.profiles[profileName]) {
    const known = Object.keys(service.profiles).join(', ');
    issues.push({
      path: 'change.profile',
      message: `change.profile "${profileName}" does not exist on service "${serviceName}" (profiles: ${known})`,
    });
  }
  return issues;
}

/**
 * Screens a raw intent at the door (`intake/screen-intent.ts`), parses it and checks it is complete against
 * the catalog; on success derives its id. Issue paths are dotted, e.g. `change.contractVersion`. `salt`
 * salts the digest of any secret found; entry points pass a fresh random one.
 */
/** `now`, when given, also checks that the intent's timing can be honoured (`intent-timing.ts`). */
export function checkCompleteness(raw: unknown, catalog: Catalog, salt = '', now?: Date): CompletenessResult {
  const screened = screenIntent(raw, salt);
  if (screened.issues.length > 0) return { ok: false, issues: screened.issues, storable: false };
  const parsed = intakeIntentSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, issues: fieldIssues(parsed.error, raw), storable: true };
  const intent = parsed.data;
  const issues = [
    ...valueModelIssues(intent),
    ...catalogIssues(intent, catalog),
    ...(now ? timingIssues(intent, now) : []),
  ];
  if (issues.length > 0) return { ok: false, issues, storable: true };
  return { ok: true, intent, intentId: deriveIntentId(intent) };
}
