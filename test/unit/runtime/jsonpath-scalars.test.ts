import { StateMachine } from 'aws-local-stepfunctions';
import { JSONPath } from 'jsonpath-plus';
import '../../../cli/runtime/local-pipeline.js';
import { lightenScalarAnswers, scalarAnswerThrown } from '../../../cli/runtime/jsonpath-scalars.js';

describe('scalar JSONPath answers in the local runtime', () => {
  test('once the local pipeline is loaded, a scalar answer is thrown and caught without a stack trace', () => {
    // Act
    const thrown = scalarAnswerThrown();

    // Assess: jsonpath-plus still answers this way, and its error no longer captures a stack
    expect(thrown).toBeDefined();
    expect(thrown).toBeInstanceOf(Error);
    expect(thrown?.stack).toBeUndefined();
  });

  test('every kind of answer is what jsonpath-plus gives, scalars included', () => {
    // Arrange
    lightenScalarAnswers();
    const json = { a: { b: 'text', n: 0, t: false, z: null, list: [1, 2], o: { k: 1 } } };
    const query = (path: string) => JSONPath({ path, json, wrap: false });

    // Act and Assess
    expect(query('$.a.b')).toBe('text');
    expect(query('$.a.n')).toBe(0);
    expect(query('$.a.t')).toBe(false);
    expect(query('$.a.z')).toBeNull();
    expect(query('$.a.missing')).toBeUndefined();
    expect(query('$.a.list')).toEqual([1, 2]);
    expect(query('$.a.o')).toEqual({ k: 1 });
    expect(query('$.a.list[*]')).toEqual([1, 2]);
  });

  test('a state machine still routes on scalar variables and carries them through Parameters', async () => {
    // Arrange
    lightenScalarAnswers();
    const machine = new StateMachine(
      {
        StartAt: 'Route',
        States: {
          Route: {
            Type: 'Choice',
            Choices: [{ Variable: '$.risk', NumericGreaterThan: 2, Next: 'Review' }],
            Default: 'Release',
          },
          Review: { Type: 'Pass', Parameters: { 'who.$': '$.owner', 'risk.$': '$.risk' }, End: true },
          Release: { Type: 'Pass', Result: 'released', End: true },
        },
      },
      { validationOptions: { noValidate: true } },
    );

    // Act
    const high = await machine.run({ risk: 3, owner: 'xavier' }).result;
    const low = await machine.run({ risk: 1, owner: 'xavier' }).result;

    // Assess
    expect(high).toEqual({ who: 'xavier', risk: 3 });
    expect(low).toBe('released');
  });
});
