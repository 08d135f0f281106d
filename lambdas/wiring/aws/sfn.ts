import { SFNClient } from '@aws-sdk/client-sfn';
import { SfnExecutions } from '../../adapters/aws/sfn-executions.js';
import { SfnLaneWake } from '../../adapters/aws/sfn-lane-wake.js';
import type { Executions } from '../../ports/executions.js';
import type { LaneWake } from '../../ports/lane-wake.js';
import { requiredEnv } from '../env.js';

/** Executions of the state machine named by `ITV_STATE_MACHINE_ARN`. */
export function sfnExecutions(env: NodeJS.ProcessEnv): Executions {
  return new SfnExecutions(new SFNClient({}), requiredEnv('ITV_STATE_MACHINE_ARN', env));
}

/** Wakes executions parked for their lane (task tokens need no state machine ARN). */
export function sfnLaneWake(_env: NodeJS.ProcessEnv): LaneWake {
  return new SfnLaneWake(new SFNClient({}));
}
