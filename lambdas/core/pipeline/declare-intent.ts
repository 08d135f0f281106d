import { checkCompleteness } from '../completeness.js';
import { type PipelineDeps, record } from './deps.js';
import { fallbackIntentId } from './parsed-intent.js';
import type { Declared, PipelineState } from './state.js';

/**
 * Stage 1: parse the intent (G, Θ, A, τ), check it is complete against the catalog, derive its id and
 * record either `intent.declared` or `intent.incomplete`. An incomplete intent still gets an id (a digest
 * of what was sent) so the rejection is on the ledger too.
 */
export async function declareIntent(state: PipelineState, deps: PipelineDeps): Promise<Declared> {
  const checked = checkCompleteness(state.intent, deps.catalog);
  if (!checked.ok) {
    const intentId = fallbackIntentId(state.intent);
    const stored = await record(deps, intentId, 'intent.incomplete', {
      source: state.source,
      received: state.intent ?? null,
      issues: checked.issues,
    });
    return {
      intentId,
      verdict: 'incomplete',
      issues: checked.issues,
      declaredAt: stored.entry.timestamp,
    };
  }
  const { intent, intentId } = checked;
  const stored = await record(deps, intentId, 'intent.declared', {
    source: state.source,
    intent,
    authority: intent.authority,
    valueModel: intent.goal.valueModel,
    tags: intent.tags,
  });
  return {
    intentId,
    verdict: 'complete',
    issues: [],
    service: intent.change.service,
    title: intent.title,
    declaredAt: stored.entry.timestamp,
  };
}
