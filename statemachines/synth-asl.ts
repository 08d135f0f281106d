import { rmSync } from 'node:fs';
import { createItvApp } from '../infra/build-app.js';

/** A state of the Amazon States Language, as the local runtime reads it. */
export interface AslState {
  Type: string;
  [field: string]: unknown;
}

/** A plain ASL state machine definition (no CloudFormation tokens left). */
export interface AslDefinition {
  StartAt: string;
  States: Record<string, AslState>;
  Comment?: string;
  TimeoutSeconds?: number;
}

/** The stand-in ARN of a function in the exported ASL; the local runtime maps tasks by state name instead. */
export function localFunctionArn(logicalId: string): string {
  return `arn:aws:lambda:local:000000000000:function:${logicalId}`;
}

const pseudoParameters: Readonly<Record<string, string>> = {
  'AWS::Partition': 'aws',
  'AWS::Region': 'local',
  'AWS::AccountId': '000000000000',
  'AWS::URLSuffix': 'amazonaws.com',
};

function resolveToken(part: unknown): string {
  if (typeof part === 'string') return part;
  const token = (part ?? {}) as { 'Fn::GetAtt'?: unknown; Ref?: unknown };
  const getAtt = token['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return localFunctionArn(getAtt[0]);
  if (typeof token.Ref === 'string') return pseudoParameters[token.Ref] ?? localFunctionArn(token.Ref);
  throw new Error(
    `DefinitionString: unsupported token ${JSON.stringify(part)}; only Fn::GetAtt and Ref resolve`,
  );
}

/** Turns a synthesized `DefinitionString` (a string or an `Fn::Join` over tokens) into plain ASL. */
export function resolveDefinitionString(definitionString: unknown): AslDefinition {
  if (typeof definitionString === 'string') return JSON.parse(definitionString) as AslDefinition;
  const join = (definitionString as { 'Fn::Join'?: unknown } | null)?.['Fn::Join'];
  if (!Array.isArray(join) || join[0] !== '' || !Array.isArray(join[1])) {
    throw new Error('DefinitionString: expected a string or an Fn::Join with an empty delimiter');
  }
  return JSON.parse(join[1].map(resolveToken).join('')) as AslDefinition;
}

/**
 * Synthesizes the itv stack in process (no asset bundling, no construct or template validation) and returns the pipeline
 * state machine's definition as plain ASL. The definition does not depend on the catalog, so no services are
 * passed.
 */
export function synthesizePipelineAsl(options: { projectRoot?: string } = {}): AslDefinition {
  const { app, stack } = createItvApp({
    services: [],
    publishers: [],
    bundling: false,
    templateValidation: false,
    ...options,
  });
  const assembly = app.synth({ skipValidation: true });
  try {
    return pipelineAslOf(assembly.getStackByName(stack.stackName).template);
  } finally {
    rmSync(assembly.directory, { recursive: true, force: true });
  }
}

/** The pipeline state machine's definition as plain ASL, read from a synthesized template of the stack. */
export function pipelineAslOf(template: { Resources?: unknown }): AslDefinition {
  const resources = (template.Resources ?? {}) as Record<
    string,
    { Type: string; Properties?: { DefinitionString?: unknown } }
  >;
  const machines = Object.values(resources).filter((r) => r.Type === 'AWS::StepFunctions::StateMachine');
  if (machines.length !== 1)
    throw new Error(`stack Itv: expected one state machine, found ${machines.length}`);
  return resolveDefinitionString(machines[0]?.Properties?.DefinitionString);
}
