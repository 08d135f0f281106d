import { loadCatalog } from '../../../catalog/index.js';
import type { Catalog, Service } from '../../../lambdas/core/catalog-schema.js';
import {
  type IntentInput,
  inlineIntent,
  intentSchema,
  type ResolvedIntent,
} from '../../../lambdas/core/intent.js';
import type { PolicyContext } from '../../../lambdas/core/policy/types.js';
import type { Caller } from '../../../lambdas/core/principals/index.js';

/** Shared test data: the real catalog and a small, valid intent to vary per test. */

export const catalog: Catalog = loadCatalog();

/** A Wednesday outside every freeze window in `policies/freeze-windows.ts`. */
export const NOW = new Date('2026-11-04T15:00:00Z');

export function rawIntent(): IntentInput {
  return {
    apiVersion: 'itv/v1',
    kind: 'Intent',
    title: 'Turn on dark mode',
    goal: {
      outcome: 'Fewer late-night support tickets about eye strain',
      metric: 'support-tickets-per-week',
      valueModel: { basis: 'productivity-gain', totalValueUsd: 87600, years: 1 },
    },
    authority: { requester: 'alice', team: 'growth', role: 'engineering-manager' },
    timestamp: '2026-11-02T09:00:00Z',
    change: {
      service: 'launch-flags',
      profile: 'flags',
      contractVersion: '1.0.0',
      kind: 'feature-flag',
      payload: { 'dark-mode': { enabled: true } },
    },
    tags: { team: 'growth' },
  };
}

/** A parsed intent after `edit` has changed a copy of the base raw intent. */
export function makeIntent(edit: (draft: IntentInput) => void = () => {}): ResolvedIntent {
  const draft = structuredClone(rawIntent());
  edit(draft);
  return inlineIntent(intentSchema.parse(draft));
}

export function service(name: string) {
  const entry = catalog.services[name];
  if (!entry) throw new Error(`test fixture: no service ${name} in the catalog`);
  return entry;
}

/** A policy context for an intent, its catalog service and an evaluation instant. */
export function contextFor(intent: ResolvedIntent, now: Date = NOW): PolicyContext {
  return { intent, service: service(intent.change.service), catalog, now };
}

/** A policy context whose catalog service is a copy edited by `edit` (the shipped catalog stays frozen). */
export function contextWithService(
  intent: ResolvedIntent,
  edit: (service: Service) => void,
  now: Date = NOW,
): PolicyContext {
  const edited = structuredClone(service(intent.change.service)) as Service;
  edit(edited);
  return { intent, service: edited, catalog, now };
}

/** The shipped catalog with `delegations` recorded beside its own (the shipped catalog stays frozen). */
export function catalogWithDelegations(
  ...delegations: Array<Omit<Catalog['delegations'][number], 'reason'>>
): Catalog {
  return { ...catalog, delegations: [...catalog.delegations, ...delegations] };
}

/** A policy context whose catalog records the delegations the intent cites (as the entry point requires). */
export function contextRecording(intent: ResolvedIntent, now: Date = NOW): PolicyContext {
  const recorded = intent.authority.delegations.map((d) => ({ ...d, to: intent.authority.requester }));
  return { ...contextFor(intent, now), catalog: catalogWithDelegations(...recorded) };
}

/** The caller who submits `intent` in tests: its named requester, as `itv submit --as` would name it. */
export function submittedBy(intent: { authority?: { requester?: string } }): Caller {
  const principal = intent.authority?.requester ?? '';
  return { principal, authenticatedAs: { method: 'local', via: 'test' }, matched: `principals.${principal}` };
}
