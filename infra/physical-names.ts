import { Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

/**
 * The prefix of the names the stack gives resources whose names are unique per account and region — its event
 * bus, dashboard and rollback alarms — and the `service` dimension of its functions' metrics: the stack's name in
 * lower case, so the default stack `Itv` keeps `itv` (the bus `itv`, the dashboard `itv-pipeline`, the alarm
 * `itv-launch-flags-error-rate`) and a second copy named `ItvStaging` names its own (`itvstaging`, …) beside it in
 * one region. The functions read it as `ITV_NAME_PREFIX`.
 */
export function namePrefix(scope: Construct): string {
  return Stack.of(scope).stackName.toLowerCase();
}

/** What CloudFormation accepts as a stack name, which every name above is made from. */
export const stackNamePattern = /^[A-Za-z][A-Za-z0-9-]{0,127}$/;
