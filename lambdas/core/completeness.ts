import type * as z from 'zod';
import type { Catalog } from './catalog-schema.js';
import { type Intent, intentSchema } from './intent.js';
import { deriveIntentId } from './intent-id.js';

/** Intent declaration: the intent parses and names a service, profile and owners the catalog knows. */

export interface CompletenessIssue {
  path: string;
  message: string;
}

export type CompletenessResult =
  | { ok: true; intent: Intent; intentId: string }
  | { ok: false; issues: CompletenessIssue[] };

function joinPath(path: ReadonlyArray<PropertyKey>): string {
  return path.map(String).join('.');
}

function toIssues(issue: z.core.$ZodIssue): CompletenessIssue[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => {
      const path = joinPath([...issue.path, key]);
      return { path, message: `${path} is not a field of an itv/v1 intent` };
    });
  }
  const path = joinPath(issue.path);
  const missing = issue.code === 'invalid_type' && issue.message.endsWith('received undefined');
  return [{ path, message: `${path || 'intent'}: ${missing ? 'is required' : issue.message}` }];
}

function catalogIssues(intent: Intent, catalog: Catalog): CompletenessIssue[] {
  const issues: CompletenessIssue[] = [];
  if (intent.authority.requester.trim() === '') {
    issues.push({ path: 'authority.requester', message: 'authority.requester must name a principal' });
  }
  const { service: serviceName, profile: profileName } = intent.change;
  const service = catalog.services[serviceName];
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
 * Parses a raw intent and checks it is complete against the catalog; on success derives its id.
 * Issue paths are dotted, e.g. `change.contractVersion`.
 */
export function checkCompleteness(raw: unknown, catalog: Catalog): CompletenessResult {
  const parsed = intentSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, issues: parsed.error.issues.flatMap(toIssues) };
  const intent = parsed.data;
  const issues = catalogIssues(intent, catalog);
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, intent, intentId: deriveIntentId(intent) };
}
