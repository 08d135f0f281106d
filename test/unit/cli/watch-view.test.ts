import { frame, plainLines, redrawn } from '../../../cli/commands/watch.js';
import type { IntentStatus } from '../../../lambdas/core/pipeline/status.js';

const at = (seq: number, type: string) => ({ seq, type, timestamp: `2026-11-04T15:0${seq}:00.000Z` });
const releasing = (rolloutPercentage: number | null, steps: IntentStatus['steps']): IntentStatus => ({
  intentId: 'int-1',
  title: 'Enable the checklist',
  service: 'launch-flags',
  status: 'releasing',
  outcome: null,
  tier: 1,
  timeToValueSeconds: null,
  valuePerHourUsd: null,
  valueRealised: null,
  change: null,
  valuePerHourPerEmployeeUsd: null,
  reasons: [],
  rolloutPercentage,
  deploymentPercentage: rolloutPercentage,
  requester: null,
  review: null,
  steps,
});

describe('itv watch: what it draws', () => {
  test('a frame names the intent, its status, its rollout as a bar and a figure, and its newest steps', () => {
    const lines = frame(releasing(40, [at(1, 'intent.declared'), at(2, 'release.started')]));
    expect(lines[0]).toBe('intent   int-1  Enable the checklist');
    expect(lines[1]).toContain('rollout [########............]  40%');
    expect(lines.slice(2)).toEqual([
      '       1  2026-11-04T15:01:00.000Z  intent.declared',
      '       2  2026-11-04T15:02:00.000Z  release.started',
    ]);
  });

  test('on a terminal each read redraws in place: the cursor goes up over the last frame and clears it', () => {
    const written: string[] = [];
    const draw = redrawn((text) => written.push(text));
    draw(releasing(null, [at(1, 'intent.declared')]));
    draw(releasing(25, [at(1, 'intent.declared'), at(2, 'release.started')]));
    expect(written[0]!.startsWith('\u001b[')).toBe(false);
    // The first frame had three lines: up three, clear to the end, then the new frame.
    expect(written[1]!.startsWith('\u001b[3F\u001b[J')).toBe(true);
  });

  test('piped, each step is one line once, and a line says each change of status or rollout', () => {
    const printed: string[] = [];
    const draw = plainLines((line) => printed.push(line));
    draw(releasing(null, [at(1, 'intent.declared')]));
    draw(releasing(null, [at(1, 'intent.declared')]));
    draw(releasing(50, [at(1, 'intent.declared'), at(2, 'release.started')]));
    expect(printed).toEqual([
      '       1  2026-11-04T15:01:00.000Z  intent.declared',
      'status releasing',
      '       2  2026-11-04T15:02:00.000Z  release.started',
      'status releasing, rollout 50%',
    ]);
    expect(printed.join('\n')).not.toContain('\u001b[');
  });
});
