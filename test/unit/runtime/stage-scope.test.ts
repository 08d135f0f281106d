import { currentStage, inStage, trackStages } from '../../../cli/runtime/stage-scope.js';

describe('stage scope', () => {
  test('keeps no async context until a reader asks for it, then names the stage running across awaits', async () => {
    // Prepare
    const stageWork = async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return currentStage();
    };

    // Act
    const before = await inStage('Verify', stageWork);
    trackStages();
    const after = await inStage('Learn', stageWork);
    const outside = currentStage();

    // Assess
    expect(before).toBeUndefined();
    expect(after).toBe('Learn');
    expect(outside).toBeUndefined();
  });
});
