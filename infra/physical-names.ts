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

/**
 * What CloudFormation accepts as a stack name, which every name above is made from; `checkDerivedNames` then
 * holds each name made from it to its own limit (the state machine's 80 characters allow a stack name of 71).
 */
export const stackNamePattern = /^[A-Za-z][A-Za-z0-9-]{0,127}$/;

/** A name the stack makes from its own name, with the limit AWS puts on names of its kind. */
export interface DerivedName {
  /** What it names, in words: `state machine`, `event bus`, … */
  what: string;
  resourceType: string;
  name: string;
  /** The most characters AWS accepts for this kind of name. */
  limit: number;
}

/**
 * Every physical name made from the stack's name (and, for the rollback alarms, a service's), with AWS's limit:
 * the state machine `<stack>-pipeline` (Step Functions: 80), the event bus `<prefix>` (EventBridge: 256), the
 * dashboard `<prefix>-pipeline` (CloudWatch: 255) and each rollback alarm `<prefix>-<service>-<metric>`
 * (CloudWatch: 255). Nothing else is named after the stack: its functions, log groups, tables, buckets, queues and
 * health alarms take names CloudFormation generates, and the AppConfig application and REST API are `itv`.
 */
export function derivedNames(stackName: string, alarmNames: readonly string[]): DerivedName[] {
  const prefix = stackName.toLowerCase();
  return [
    {
      what: 'state machine',
      resourceType: 'AWS::StepFunctions::StateMachine',
      name: `${stackName}-pipeline`,
      limit: 80,
    },
    { what: 'event bus', resourceType: 'AWS::Events::EventBus', name: prefix, limit: 256 },
    { what: 'dashboard', resourceType: 'AWS::CloudWatch::Dashboard', name: `${prefix}-pipeline`, limit: 255 },
    ...alarmNames.map((name) => ({
      what: 'alarm',
      resourceType: 'AWS::CloudWatch::Alarm',
      name,
      limit: 255,
    })),
  ];
}

/**
 * Refuses, before anything is synthesized, a stack name that makes a physical name longer than AWS accepts: such a
 * name passes `cdk synth` and fails only at deploy, after CloudFormation has created half the stack.
 */
export function checkDerivedNames(stackName: string, alarmNames: readonly string[]): void {
  for (const { what, resourceType, name, limit } of derivedNames(stackName, alarmNames)) {
    if (name.length > limit) {
      throw new Error(
        `itv:stackName "${stackName}" is too long: its ${what} name "${name}" is ${name.length} characters: ${resourceType} names are at most ${limit}; choose a shorter stack name`,
      );
    }
  }
}
