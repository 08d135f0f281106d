import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { pipelineDefinition } from '../../../cli/session.js';
import {
  forgetValidatedDefinitions,
  type ValidationOptions,
  validateOnce,
} from '../../../statemachines/validated-definition.js';

const local: ValidationOptions = { checkArn: false, checkPaths: true };

describe('a state machine definition is validated once per machine, as Step Functions validates at creation', () => {
  let folder: string;
  let validations: number;
  const cache = () => ({
    folder,
    validate: (definition: StateMachineDefinition) => {
      validations += 1;
      if (definition.StartAt === 'NoSuchState') throw new Error('StartAt names no state');
    },
  });
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'itv-asl-valid-'));
    validations = 0;
    forgetValidatedDefinitions();
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  test('a definition that passed is not validated again, in this process or the next', () => {
    // Act: this process twice, then a "new process" (what it remembers in memory forgotten).
    validateOnce(pipelineDefinition(), local, cache());
    validateOnce(pipelineDefinition(), local, cache());
    forgetValidatedDefinitions();
    validateOnce(pipelineDefinition(), local, cache());

    // Assess
    expect(validations).toBe(1);
    expect(readdirSync(folder)).toHaveLength(1);
  });

  test('another definition, or the same one under other options, is validated on its own', () => {
    validateOnce(pipelineDefinition(), local, cache());
    validateOnce(pipelineDefinition(), { checkArn: true, checkPaths: true }, cache());
    validateOnce({ ...pipelineDefinition(), Comment: 'edited' }, local, cache());

    expect(validations).toBe(3);
  });

  test('a definition that fails is never remembered: it fails in every process', () => {
    const broken = { ...pipelineDefinition(), StartAt: 'NoSuchState' };

    expect(() => validateOnce(broken, local, cache())).toThrow('StartAt names no state');
    forgetValidatedDefinitions();
    expect(() => validateOnce(broken, local, cache())).toThrow('StartAt names no state');
    expect(readdirSync(folder)).toEqual([]);
  });

  test('without a folder the verdict lasts for the process only', () => {
    const inMemory = { ...cache(), folder: undefined };
    validateOnce(pipelineDefinition(), local, inMemory);
    validateOnce(pipelineDefinition(), local, inMemory);
    forgetValidatedDefinitions();
    validateOnce(pipelineDefinition(), local, inMemory);

    expect(validations).toBe(2);
  });
});
