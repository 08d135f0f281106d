import { declaredIntent } from '../../../lambdas/core/pipeline/parsed-intent.js';
import type { PipelineState } from '../../../lambdas/core/pipeline/state.js';
import { makeIntent } from '../core/fixtures.js';

// A state as the state machine hands it to a stage: its own copy of the submitted intent, as JSON.
function stateWith(intent: unknown, intentId = 'int-1'): PipelineState {
  return {
    intent: JSON.parse(JSON.stringify(intent)),
    declared: { verdict: 'complete', intentId },
  } as unknown as PipelineState;
}

describe('declaredIntent', () => {
  test('parses an intent once: a later stage given an equal copy gets the same frozen parse', () => {
    const intent = makeIntent();
    const first = declaredIntent(stateWith(intent));
    const second = declaredIntent(stateWith(intent, 'int-2'));
    expect(second.intent).toBe(first.intent);
    expect(second.intentId).toBe('int-2');
    expect(Object.isFrozen(first.intent)).toBe(true);
    expect(Object.isFrozen(first.intent.change)).toBe(true);
    expect(() => {
      (first.intent.change as { service: string }).service = 'other';
    }).toThrow(TypeError);
  });

  test('another intent is parsed for itself', () => {
    const a = declaredIntent(stateWith(makeIntent())).intent;
    const b = declaredIntent(
      stateWith(
        makeIntent((d) => {
          d.change.payload = { 'new-checkout': { enabled: false, rolloutPercent: 1 } };
        }),
      ),
    ).intent;
    expect(b).not.toBe(a);
    expect(b.change.payload).toEqual({ 'new-checkout': { enabled: false, rolloutPercent: 1 } });
  });

  test('an invalid intent is refused every time, never kept', () => {
    const invalid = { ...makeIntent(), kind: 'NotAnIntent' };
    expect(() => declaredIntent(stateWith(invalid))).toThrow();
    expect(() => declaredIntent(stateWith(invalid))).toThrow();
  });

  test('a state without a complete declaration is refused before anything is parsed', () => {
    expect(() =>
      declaredIntent({ intent: makeIntent(), declared: { verdict: 'rejected' } } as unknown as PipelineState),
    ).toThrow(/no complete declared intent/);
  });
});
