import '../../../cli/runtime/polyfills.js';
import { StateMachine } from 'aws-local-stepfunctions';
import { runnerTimeoutSeconds, withHostTimedTasks } from '../../../statemachines/runner-timeouts.js';

const machine = (task: Record<string, unknown>) => ({
  StartAt: 'Work',
  States: {
    Work: {
      Type: 'Task',
      Resource: 'arn:aws:lambda:us-east-1:123456789012:function:work',
      End: true,
      ...task,
    },
  },
});

const run = async (definition: ReturnType<typeof machine>, workMs: number) => {
  const execution = new StateMachine(definition as never, { validationOptions: { checkArn: false } }).run(
    {},
    {
      overrides: {
        taskResourceLocalHandlers: {
          Work: async () => {
            await new Promise((resolve) => setTimeout(resolve, workMs));
            return { done: true };
          },
        },
      },
    },
  );
  return execution.result.then(
    (output: unknown) => ({ output }),
    // The runner fails the execution with an ExecutionError whose cause is the state's error.
    // The runner fails the execution with an ExecutionError whose cause is the state's error.
    (error: Error) => ({ error: (error.cause as Error | undefined)?.name ?? error.name }),
  );
};

/**
 * Task timeouts as the runner keeps them. Step Functions puts no timeout on a Task that declares none (the
 * runner's default is 60 s), and the local runtime moves a Wait's time into the Task after it: in wall-clock
 * time a 60 s bake would time that Task out. Every Task without a timeout of its own gets the longest the runner
 * can hold; a declared one is kept and enforced.
 */
describe('Task timeouts for the runner', () => {
  test('a Task that declares none gets the longest the runner holds; a declared one is kept', () => {
    // Act
    const noTimeout = withHostTimedTasks(machine({}));
    const declared = withHostTimedTasks(machine({ TimeoutSeconds: 30 }));
    const byPath = withHostTimedTasks(machine({ TimeoutSecondsPath: '$.seconds' }));

    // Assess
    expect(noTimeout.States.Work).toMatchObject({ TimeoutSeconds: runnerTimeoutSeconds });
    expect(declared.States.Work).toMatchObject({ TimeoutSeconds: 30 });
    expect(byPath.States.Work).toMatchObject({ TimeoutSeconds: runnerTimeoutSeconds });
    expect(byPath.States.Work).not.toHaveProperty('TimeoutSecondsPath');
  });

  test('the runner enforces a declared timeout, and the one given runs past it', async () => {
    // Act
    const timedOut = await run(machine({ TimeoutSeconds: 1 }), 1500);
    const given = await run(withHostTimedTasks(machine({})), 1500);

    // Assess
    expect(timedOut).toEqual({ error: 'States.Timeout' });
    expect(given).toEqual({ output: { done: true } });
  });
});
