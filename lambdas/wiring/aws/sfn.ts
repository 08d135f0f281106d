import { SFNClient } from '@aws-sdk/client-sfn';
import { SfnExecutions } from '../../adapters/aws/sfn-executions.js';
import type { Executions } from '../../ports/executions.js';
import { requiredEnv } from '../env.js';

/** Executions of the state machine named by `ITV_STATE_MACHINE_ARN`. */
export function sfnExecutions(env: NodeJS.ProcessEnv): Executions {
  return new SfnExecutions(new SFNClient({}), requiredEnv('ITV_STATE_MACHINE_ARN', env));
}
