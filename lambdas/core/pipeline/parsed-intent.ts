import { createHash } from 'node:crypto';
import { deepFreeze } from '../deep-freeze.js';
import { InvalidInputError } from '../errors.js';
import { type Intent, intentSchema } from '../intent.js';
import { canonicalDigest } from '../ledger/canonical-json.js';
import type { PipelineState } from './state.js';

/** The declared intent of a state that passed DeclareIntent; later stages call this instead of re-validating by hand. */
export function declaredIntent(state: PipelineState): { intent: Intent; intentId: string } {
  if (state.declared?.verdict !== 'complete') {
    throw new InvalidInputError('the state has no complete declared intent', [
      { path: 'declared', message: 'DeclareIntent must complete before this stage' },
    ]);
  }
  return { intent: parsedIntent(state.intent), intentId: state.declared.intentId };
}

/*
 * Every stage after DeclareIntent reads the intent again from its own copy of the state. The same text always
 * parses to the same intent, so each parse is kept, frozen (a stage cannot change what another reads), by its
 * JSON text, which takes a fraction of the parse's time. A refusal is never kept. Bounded: past the limit it
 * starts again.
 */
const parsedIntents = new Map<string, Intent>();
const keptIntents = 256;

function parsedIntent(raw: unknown): Intent {
  const text = JSON.stringify(raw);
  const kept = text === undefined ? undefined : parsedIntents.get(text);
  if (kept !== undefined) return kept;
  const intent = deepFreeze(intentSchema.parse(raw));
  if (text !== undefined) {
    if (parsedIntents.size >= keptIntents) parsedIntents.clear();
    parsedIntents.set(text, intent);
  }
  return intent;
}

/**
 * An id for input that never became a valid intent: a digest of what was sent, so even a rejection of
 * garbage lands on the ledger under a stable id. Never the client's `id`: an invalid submission carrying
 * another's id would otherwise record its refusal under it and take it from the valid intent. Input that
 * has no canonical form (the door refuses it) is named by the digest of its JSON text instead.
 */
export function fallbackIntentId(raw: unknown): string {
  let digest: string;
  try {
    digest = canonicalDigest(raw ?? null);
  } catch {
    digest = createHash('sha256').update(safeJson(raw)).digest('hex');
  }
  return `int-${digest.slice(0, 20)}`;
}

function safeJson(raw: unknown): string {
  try {
    return JSON.stringify(raw) ?? 'null';
  } catch {
    return 'unserialisable';
  }
}
