import { checkRelease } from '../lambdas/core/pipeline/check-release.js';
import { startRelease } from '../lambdas/core/pipeline/start-release.js';
import type { PipelineState } from '../lambdas/core/pipeline/state.js';
import { strategyByName, strategyLadder } from '../lambdas/core/release/index.js';
// The pipeline's use cases on the AppConfig simulator over in-memory stores, as the unit tests run them.
import {
  intentAt,
  launchFlagsBusinessHours,
  pipelineHarness,
  runToVerify,
} from '../test/unit/pipeline/helpers/pipeline-harness.js';

/**
 * Frozen means frozen: an irreversible change is released in steps of exposure through the real StartRelease
 * and CheckRelease, for every strategy itv may choose, with a fault that shows from 0 %, 30 % and 100 %
 * exposure. For each: the step that held it, and how much exposure grew after the regression was recorded
 * (target 0).
 */

const businessHours = launchFlagsBusinessHours;

interface FrozenRun {
  steps: number[];
  /** Exposure of each step deployed, in order. */
  deployed: number[];
  /** Exposure when the regression was recorded; undefined when none was. */
  heldAt: number | undefined;
  /** Exposure gained by steps started after the regression was recorded. */
  gainedAfter: number;
  state: string;
}

async function frozenRelease(
  strategyName: (typeof strategyLadder)[number],
  atPercent: number,
): Promise<FrozenRun> {
  const h = pipelineHarness(businessHours);
  const intent = intentAt(h, (d) =>
    Object.assign(d, {
      constraints: { reversibility: 'irreversible', onRegression: 'freeze', checks: [] },
      simulation: { fault: { metric: 'errorRate', value: 0.2, atPercent } },
    }),
  );
  let state: PipelineState = await runToVerify(h, intent);
  state = {
    ...state,
    release: await startRelease(state, h.deps, { strategy: strategyByName(strategyName) }),
  };
  // A held release stops at the decision wait: nothing more is deployed until a person decides.
  const settled = (release: PipelineState['release']) =>
    release?.done || release?.action === 'await-decision';
  for (let poll = 0; poll < 2000 && !settled(state.release); poll++) {
    h.clock.advance(state.release!.pollSeconds * 1000);
    state = { ...state, release: await checkRelease(state, h.deps) };
  }
  const entries = await h.ledger.forIntent('test', state.declared!.intentId);
  let heldAt: number | undefined;
  let gainedAfter = 0;
  const deployed: number[] = [];
  for (const { entry } of entries) {
    const payload = entry.payload as { exposure?: { percentage: number }; percentage?: number };
    if (entry.type === 'release.frozen') heldAt = payload.percentage;
    if (entry.type === 'release.started' || entry.type === 'release.step-started') {
      const percentage = payload.exposure?.percentage ?? 100;
      if (heldAt !== undefined) gainedAfter = Math.max(gainedAfter, percentage - heldAt);
      deployed.push(percentage);
    }
  }
  return {
    steps: state.release!.exposure?.steps ?? [],
    deployed,
    heldAt,
    gainedAfter,
    state: state.release!.state,
  };
}

function row(cells: Array<string | number>, widths: number[]): string {
  return cells
    .map((cell, i) => String(cell).padEnd(widths[i] ?? 0))
    .join('  ')
    .trimEnd();
}

/** Printable lines: one row per strategy and fault onset, and the worst growth after a regression. */
export async function runFrozenReleaseBench(): Promise<string[]> {
  const widths = [40, 8, 16, 16, 7, 12];
  const lines = [
    row(['strategy (schedule)', 'fault at', 'steps', 'deployed', 'held at', 'gained after'], widths),
  ];
  let worst = 0;
  let unheld = 0;
  for (const name of strategyLadder) {
    for (const atPercent of [0, 30, 100]) {
      const run = await frozenRelease(name, atPercent);
      worst = Math.max(worst, run.gainedAfter);
      if (run.heldAt === undefined) unheld++;
      lines.push(
        row(
          [
            name,
            `${atPercent}%`,
            run.steps.join(','),
            run.deployed.join(','),
            run.heldAt === undefined ? 'never' : `${run.heldAt}%`,
            `${run.gainedAfter} pp`,
          ],
          widths,
        ),
      );
    }
  }
  return [
    'frozen releases: an irreversible change with an injected fault, released in steps of exposure (docs/RELEASE.md)',
    `  exposure gained after a regression was recorded, worst case: ${worst} percentage points (target 0)`,
    `  faults never held (no regression recorded): ${unheld} (target 0)`,
    ...lines.map((line) => `  ${line}`),
  ];
}
