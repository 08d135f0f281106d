import { randomUUID } from 'node:crypto';
import { readReferencePath } from '../../../statemachines/reference-path.js';
import type { PutEventsEntry } from './aws-services.js';
import { deployedAccount, deployedRegion, type StackTemplate } from './template.js';

/**
 * EventBridge rules of the template, applied to the events put on a bus: an event matches a rule whose pattern
 * lists its values (exact string matching on top-level fields, the only kind the stack uses), the target's
 * InputTransformer builds the input — each `<name>` of the template replaced by the JSON of the value its path
 * selects — and the target's role must be allowed to start the target state machine.
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html)
 */

export interface RuleTarget {
  roleArn: string;
  stateMachineArn: string;
  input: string;
}

interface Rule {
  bus: string;
  pattern: Record<string, unknown>;
  targets: Array<{ arn: string; roleArn: string; paths: Record<string, string>; template: string }>;
}

export function eventRules(template: StackTemplate): Rule[] {
  return template.ofType('AWS::Events::Rule').map(([, resource]) => {
    const p = template.resolve(resource.Properties ?? {}) as {
      EventBusName?: string;
      EventPattern: Record<string, unknown>;
      Targets: Array<{
        Arn: string;
        RoleArn: string;
        InputTransformer?: { InputPathsMap: Record<string, string>; InputTemplate: string };
      }>;
    };
    return {
      bus: p.EventBusName ?? 'default',
      pattern: p.EventPattern,
      targets: p.Targets.map((target) => ({
        arn: target.Arn,
        roleArn: target.RoleArn,
        paths: target.InputTransformer?.InputPathsMap ?? {},
        template: target.InputTransformer?.InputTemplate ?? '<aws.events.event>',
      })),
    };
  });
}

/** The targets an entry reaches, each with the input it would receive. */
export function route(rules: readonly Rule[], entry: PutEventsEntry, now: Date): RuleTarget[] {
  const event: Record<string, unknown> = {
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
  const bus = entry.EventBusName ?? 'default';
  return rules
    .filter(
      (rule) => (rule.bus === bus || bus.endsWith(`:event-bus/${rule.bus}`)) && matches(rule.pattern, event),
    )
    .flatMap((rule) =>
      rule.targets.map((target) => ({
        roleArn: target.roleArn,
        stateMachineArn: target.arn,
        input: target.template.replace(/<([A-Za-z0-9_.-]+)>/g, (_m, name: string) =>
          JSON.stringify(readReferencePath(event, target.paths[name] ?? '$') ?? null),
        ),
      })),
    );
}

function matches(pattern: Record<string, unknown>, event: Record<string, unknown>): boolean {
  return Object.entries(pattern).every(([field, allowed]) =>
    Array.isArray(allowed)
      ? allowed.includes(event[field])
      : matches(allowed as Record<string, unknown>, event[field] as Record<string, unknown>),
  );
}
