import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCatalog } from '../../../catalog/index.js';
import { demoStartInstant } from '../../../cli/demo-clock.js';
import { intentSchema } from '../../../lambdas/core/intent.js';
import { eligibleReviewers } from '../../../lambdas/core/reviewers.js';
import { defaultPolicySet } from '../../../policies/index.js';
import type { CallerIdentity } from './api-gateway.js';
import { deployedAccount } from './template.js';

const examplesDir = fileURLToPath(new URL('../../../examples/', import.meta.url));

export type Intent = Record<string, unknown>;

export function example(file: string): Intent {
  return JSON.parse(readFileSync(path.join(examplesDir, file), 'utf8')) as Intent;
}

/**
 * The cloud assembly and moto_server the suite runs against (set by `npm run test:deployed`): each jest worker
 * its own server of ITV_MOTO_ENDPOINTS, by its JEST_WORKER_ID (1, 2, …).
 */
export function suiteEnvironment(): { cdkOut: string; motoEndpoint: string } {
  const cdkOut = process.env.ITV_CDK_OUT;
  const endpoints = (process.env.ITV_MOTO_ENDPOINTS ?? '').split(',').filter(Boolean);
  if (!cdkOut || endpoints.length === 0) {
    throw new Error(
      'the deployed-stack suite runs through `npm run test:deployed` (ITV_CDK_OUT and ITV_MOTO_ENDPOINTS unset)',
    );
  }
  const worker = Number(process.env.JEST_WORKER_ID ?? '1');
  return { cdkOut, motoEndpoint: endpoints[(Math.max(1, worker) - 1) % endpoints.length]! };
}

/** An instant at which no freeze window or business-hours rule blocks the given samples. */
export function unblockedStart(files: readonly string[], from = new Date('2026-11-03T14:00:00Z')): Date {
  const intents = files.map((file) => intentSchema.parse(example(file)));
  return demoStartInstant(from, intents, loadCatalog());
}

/**
 * A person calling through IAM Identity Center: an assumed-role session named after their e-mail. `who` is a
 * catalog principal id (its e-mail is looked up) or an e-mail as it is.
 */
export function personCalling(who: string, role = 'ItvEngineers'): CallerIdentity {
  const email = loadCatalog().principals[who]?.email ?? who;
  return {
    arn: `arn:aws:sts::${deployedAccount}:assumed-role/${role}/${email}`,
    accessKey: 'ASIAPERSONCALLING000',
  };
}

/** A fresh declaration of a sample: declared now, so each run is a new intent. */
export function declaredAt(intent: Intent, now: Date): Intent {
  const { id: _id, ...rest } = intent;
  return { ...rest, timestamp: now.toISOString() };
}

/** The first reviewer of record the catalog allows for the intent, calling with the IAM identity it lists. */
export function reviewerCalling(intent: Intent): CallerIdentity {
  return personCalling(reviewerOfRecord(intent), 'ItvReviewers');
}

/** The first reviewer of record the catalog allows for the intent: a catalog principal id. */
export function reviewerOfRecord(intent: Intent): string {
  const catalog = loadCatalog();
  const parsed = intentSchema.parse(intent);
  const service = catalog.services[parsed.change.service];
  if (!service) throw new Error(`no service ${parsed.change.service}`);
  const reviewer = eligibleReviewers(
    service,
    catalog,
    parsed.authority.requester,
    defaultPolicySet.reviewedDomains,
  )[0];
  if (!reviewer) throw new Error(`no reviewer of record for ${parsed.change.service}`);
  return reviewer;
}
