import { attemptOfRun, attemptRunId } from '../../../lambdas/core/pipeline/attempts.js';

describe('attempt run ids', () => {
  test('an attempt after the first runs under a suffixed id, and the id reads back as its intent and number', () => {
    // Act
    const ids = [1, 2, 12].map((n) => attemptRunId('int-9f', n));

    // Assess
    expect(ids).toEqual(['int-9f', 'int-9f:attempt-2', 'int-9f:attempt-12']);
    expect(ids.map(attemptOfRun)).toEqual([
      { intentId: 'int-9f', number: 1 },
      { intentId: 'int-9f', number: 2 },
      { intentId: 'int-9f', number: 12 },
    ]);
  });
});
