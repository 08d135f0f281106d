import { randomUUID } from 'node:crypto';
import { readReferencePath } from '../../../statemachines/reference-path.js';
import type { PutEventsEntry } from './aws-services.js';
import { deployedAccount, deployedRegion, type StackTemplate } from './template.js';

/**
 * EventBridge rules of the template, applied to the events put on a bus: an event matches a rule whose pattern
 * lists its values (exact string matching on top-level fields, the only kind the stack uses). A state machine
 * target receives the input its InputTransformer builds — each `<name>` of the template replaced by the JSON of
 * the value its path selects — and the target's role must be allowed to start it. A Lambda target receives the
 * event itself, invoked asynchronously, and only if the function's resource policy lets
 * `events.amazonaws.com` invoke it from that rule (`AWS::Lambda::Permission` with the rule's ARN as
 * `SourceArn`).
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html,
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-lambda-permissions)
 */

export type RuleTarget =
  | { kind: 'states'; roleArn: string; stateMachineArn: string; input: string }
  | { kind: 'lambda'; functionArn: string; ruleArn: string; event: Record<string, unknown> };

interface Rule {
  arn: string;
  bus: string;
  /** Absent for a scheduled rule, which matches no event put on a bus. */
  pattern?: Record<string, unknown>;
  /** A scheduled rule's `rate(…)` or `cron(…)`. */
  schedule?: string;
  targets: Array<{
    arn: string;
    roleArn?: string;
    paths: Record<string, string>;
    template?: string;
  }>;
}

export function eventRules(template: StackTemplate): Rule[] {
  return template.ofType('AWS::Events::Rule').map(([logicalId, resource]) => {
    const p = template.resolve(resource.Properties ?? {}) as {
      EventBusName?: string;
      EventPattern?: Record<string, unknown>;
      ScheduleExpression?: string;
      Targets: Array<{
        Arn: string;
        RoleArn?: string;
        InputTransformer?: { InputPathsMap: Record<string, string>; InputTemplate: string };
      }>;
    };
    return {
      arn: template.physicalOf(logicalId).attributes.Arn!,
      bus: p.EventBusName ?? 'default',
      ...(p.EventPattern ? { pattern: p.EventPattern } : {}),
      ...(p.ScheduleExpression ? { schedule: p.ScheduleExpression } : {}),
      targets: p.Targets.map((target) => ({
        arn: target.Arn,
        ...(target.RoleArn ? { roleArn: target.RoleArn } : {}),
        paths: target.InputTransformer?.InputPathsMap ?? {},
        ...(target.InputTransformer ? { template: target.InputTransformer.InputTemplate } : {}),
      })),
    };
  });
}

/** The event EventBridge makes of a PutEvents entry: what a rule matches and a target receives. */
export function eventOf(entry: PutEventsEntry, now: Date): Record<string, unknown> {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': entry.DetailType,
    source: entry.Source,
    account: deployedAccount,
    time: new Date(entry.Time ? entry.Time * 1000 : now.getTime()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: deployedRegion,
    resources: entry.Resources ?? [],
    detail: JSON.parse(entry.Detail ?? '{}'),
  };
}

/** The targets an entry reaches, each with what it would receive. */
export function route(rules: readonly Rule[], entry: PutEventsEntry, now: Date): RuleTarget[] {
  const event = eventOf(entry, now);
  const bus = entry.EventBusName ?? 'default';
  return rules
    .filter(
      (rule) =>
        rule.pattern !== undefined &&
        (rule.bus === bus || bus.endsWith(`:event-bus/${rule.bus}`)) &&
        matches(rule.pattern, event),
    )
    .flatMap((rule) =>
      rule.targets.map((target): RuleTarget => {
        if (target.arn.includes(':lambda:')) {
          return { kind: 'lambda', functionArn: target.arn, ruleArn: rule.arn, event };
        }
        return {
          kind: 'states',
          roleArn: target.roleArn ?? '',
          stateMachineArn: target.arn,
          input: (target.template ?? '<aws.events.event>').replace(
            /<([A-Za-z0-9_.-]+)>/g,
            (_m, name: string) => JSON.stringify(readReferencePath(event, target.paths[name] ?? '$') ?? null),
          ),
        };
      }),
    );
}

/**
 * The Lambda targets of the scheduled rules, each with the event EventBridge sends when the schedule fires
 * (detail type `Scheduled Event`, source `aws.events`, the rule's ARN as its resource).
 */
export function scheduledTargets(
  rules: readonly Rule[],
  now: Date,
): Array<Extract<RuleTarget, { kind: 'lambda' }> & { schedule: string }> {
  return rules.flatMap((rule) =>
    rule.schedule === undefined
      ? []
      : rule.targets
          .filter((target) => target.arn.includes(':lambda:'))
          .map((target) => ({
            kind: 'lambda' as const,
            functionArn: target.arn,
            ruleArn: rule.arn,
            schedule: rule.schedule!,
            event: {
              ...eventOf({ Source: 'aws.events', DetailType: 'Scheduled Event', Detail: '{}' }, now),
              resources: [rule.arn],
            },
          })),
  );
}

/**
 * Whether the template's `AWS::Lambda::Permission` resources let EventBridge invoke `functionArn` for the rule
 * `ruleArn`: action `lambda:InvokeFunction`, principal `events.amazonaws.com`, and a `SourceArn` naming the rule.
 */
export function eventsMayInvoke(template: StackTemplate, functionArn: string, ruleArn: string): boolean {
  return template.ofType('AWS::Lambda::Permission').some(([, resource]) => {
    const p = template.resolve(resource.Properties ?? {}) as Record<string, string>;
    const fn = p.FunctionName ?? '';
    return (
      p.Action === 'lambda:InvokeFunction' &&
      p.Principal === 'events.amazonaws.com' &&
      (fn === functionArn || functionArn.endsWith(`:function:${fn}`)) &&
      (p.SourceArn === undefined || p.SourceArn === ruleArn)
    );
  });
}

function matches(pattern: Record<string, unknown>, event: Record<string, unknown>): boolean {
  return Object.entries(pattern).every(([field, allowed]) =>
    Array.isArray(allowed)
      ? allowed.includes(event[field])
      : matches(allowed as Record<string, unknown>, event[field] as Record<string, unknown>),
  );
}
