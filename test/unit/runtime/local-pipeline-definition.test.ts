import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { DiscreteEventScheduler } from '../../../cli/runtime/event-scheduler.js';
import { LocalPipeline } from '../../../cli/runtime/local-pipeline.js';
import { pipelineDefinition } from '../../../cli/session.js';
import { VirtualClock } from '../../../lambdas/adapters/local/virtual-clock.js';
import type { PipelineDeps } from '../../../lambdas/core/pipeline/deps.js';

const scheduler = new DiscreteEventScheduler(new VirtualClock(new Date('2026-11-04T15:00:00Z')));
// Building a pipeline touches none of its dependencies: only the definition is checked.
const deps = {} as PipelineDeps;

describe('the local pipeline validates its state machine once, when it is built', () => {
  test('the synthesized definition builds', () => {
    expect(new LocalPipeline(pipelineDefinition(), deps, { scheduler })).toBeInstanceOf(LocalPipeline);
  });

  test('a definition whose path is invalid is refused before any execution starts', () => {
    const definition = pipelineDefinition();
    const first = String(definition.StartAt);
    const states = {
      ...definition.States,
      [first]: { ...definition.States[first], ResultPath: 'not a path' },
    };
    const broken = { ...definition, States: states } as StateMachineDefinition;
    expect(() => new LocalPipeline(broken, deps, { scheduler })).toThrow(/ResultPath|path/i);
    // Only a definition that passed is remembered: building from the broken one again is refused again.
    expect(() => new LocalPipeline(broken, deps, { scheduler })).toThrow(/ResultPath|path/i);
  });

  test('a definition that names a state it does not have is refused', () => {
    const definition = { ...pipelineDefinition(), StartAt: 'NoSuchState' };
    expect(() => new LocalPipeline(definition, deps, { scheduler })).toThrow();
  });
});
