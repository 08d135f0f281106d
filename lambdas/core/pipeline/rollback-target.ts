import type { Intent } from '../intent.js';
import type { PipelineDeps } from './deps.js';
import { withPayload } from './payloads.js';
import { payloadsOf, releasedContent } from './release-configuration.js';

/**
 * What a roll-back deploys: the configuration the users outside the held step were served. For a feature-flag
 * profile that is each flag as itv last released it (disabled if never); for a freeform profile, what itv last
 * released to everyone on it — undefined when it released nothing there, as itv then cannot know what served.
 */
export async function rollbackTarget(
  intent: Intent,
  deps: Pick<PipelineDeps, 'state' | 'catalog'> & Partial<Pick<PipelineDeps, 'payloads'>>,
): Promise<{ content: Record<string, unknown>; previous: 'released' | 'flags-disabled' } | undefined> {
  const { service, profile } = intent.change;
  const released = await releasedContent(service, profile, deps);
  if (deps.catalog.services[service]?.profiles[profile]?.type !== 'feature-flags') {
    return released ? { content: released, previous: 'released' } : undefined;
  }
  // The flags this change touched: its own content, fetched by digest when it travels by reference.
  const { payload } = (await withPayload(intent, payloadsOf(deps))).change;
  const disabled = Object.fromEntries(Object.keys(payload).map((flag) => [flag, { enabled: false }]));
  return released
    ? { content: { ...disabled, ...released }, previous: 'released' }
    : { content: disabled, previous: 'flags-disabled' };
}
