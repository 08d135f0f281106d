import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { entryOf, functionAccess } from '../../../infra/function-access.js';
import { pipelineStageList } from '../../../lambdas/stages/registry.js';

const root = path.resolve(import.meta.dirname, '../../..');

describe('the stage registry', () => {
  test('declares each Task state and each stage function once', () => {
    const names = pipelineStageList.map((s) => s.name);
    const fns = pipelineStageList.map((s) => s.fn);
    expect(new Set(names).size).toBe(names.length);
    expect(new Set(fns).size).toBe(fns.length);
  });

  test.each(pipelineStageList.map((s) => [s.name, s] as const))(
    '%s: its Lambda entry runs this stage and its grants are the ones it declares',
    (_name, stage) => {
      const entry = path.join(root, entryOf(stage.fn));
      expect(existsSync(entry)).toBe(true);
      const source = readFileSync(entry, 'utf8');
      expect(source).toContain(`from '../stages/${stage.fn}.js'`);
      expect(source).toMatch(/export const handler = stageHandler\(/);
      expect(functionAccess[stage.fn]).toBe(stage.access);
    },
  );

  test('only the stages that sign are granted signing, and the decision stage keeps no evidence', () => {
    const signers = pipelineStageList.filter((s) => s.access.signing).map((s) => s.name);
    expect(signers.sort()).toEqual(['FormDecision', 'SignCheckpoint']);
    const decision = pipelineStageList.find((s) => s.name === 'FormDecision');
    expect(decision?.access.evidence).toBeUndefined();
  });

  test('a stage that waits for a callback hands the task token to its function', () => {
    for (const stage of pipelineStageList) {
      const token = Object.values(stage.parameters ?? {}).includes('$$.Task.Token');
      const callback = stage.callbackTimeoutSeconds !== undefined || stage.callbackTimeoutPath !== undefined;
      expect([stage.name, token]).toEqual([stage.name, callback]);
    }
  });
});
