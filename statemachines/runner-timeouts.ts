/** An ASL definition as far as its Task timeouts go. */
interface Definition {
  States: unknown;
}

/**
 * Longest Task timeout handed to aws-local-stepfunctions, in seconds: it times a Task out with setTimeout on the
 * wall clock, which fires at once for a delay past 2^31 ms (about 24.8 days).
 */
export const runnerTimeoutSeconds = 2_000_000;

/**
 * The definition as aws-local-stepfunctions may run it. The runner resolves a Task's TimeoutSecondsPath against
 * the Task's effective input (its Parameters) rather than the state input, as Step Functions does ("a path in the
 * state input": https://docs.aws.amazon.com/step-functions/latest/dg/state-task.html), and times Tasks out on the
 * wall clock. So each Task with a TimeoutSecondsPath gets a fixed timeout beyond any run instead, and whoever runs
 * the definition enforces the real one itself, on its own clock (the local runtime's parks, the deployed-stack
 * suite's Step Functions emulator). A Task that declares no timeout gets the same: the runner would time it out
 * after 60 s (the States Language's default), where Step Functions' default for a Task is 99,999,999 s (the
 * page above) — and the local runtime runs a Wait's time inside the Task after it, so in wall-clock time
 * (`ITV_CLOCK=wall`) a 60 s bake would time out the Task it precedes. A declared TimeoutSeconds is kept.
 */
export function withHostTimedTasks<D extends Definition>(definition: D): D {
  const states = definition.States as Record<string, Record<string, unknown>>;
  const hostTimed = Object.entries(states)
    .filter(([, state]) => state.Type === 'Task' && state.TimeoutSeconds === undefined)
    .map(([name, { TimeoutSecondsPath: _path, ...state }]) => [
      name,
      { ...state, TimeoutSeconds: runnerTimeoutSeconds },
    ]);
  return { ...definition, States: { ...states, ...Object.fromEntries(hostTimed) } };
}
