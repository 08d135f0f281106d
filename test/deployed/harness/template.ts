import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The synthesized CloudFormation template of the itv stack, read from `cdk.out`, and the intrinsic functions
 * CDK emits (Ref, Fn::GetAtt, Fn::Join, Fn::Sub, Fn::Select, Fn::Split) resolved against the physical ids of
 * the emulated resources, as CloudFormation would resolve them on deploy.
 */

export interface TemplateResource {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string | string[];
  Metadata?: Record<string, unknown>;
}

/** What CloudFormation returns for `Ref` and `Fn::GetAtt` of one deployed resource. */
export interface PhysicalResource {
  ref: string;
  attributes: Record<string, string>;
}

export const deployedAccount = '123456789012';
export const deployedRegion = 'us-east-1';

const pseudoParameters: Readonly<Record<string, string>> = {
  'AWS::Partition': 'aws',
  'AWS::Region': deployedRegion,
  'AWS::AccountId': deployedAccount,
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::StackName': 'Itv',
  'AWS::NoValue': '',
};

export class StackTemplate {
  readonly resources: Readonly<Record<string, TemplateResource>>;
  private readonly physical = new Map<string, PhysicalResource>();

  constructor(
    template: { Resources: Record<string, TemplateResource> },
    /** The cloud assembly folder the template and its assets were read from. */
    readonly assemblyDir: string,
  ) {
    this.resources = template.Resources;
  }

  static load(assemblyDir: string, stackName = 'Itv'): StackTemplate {
    const file = path.join(assemblyDir, `${stackName}.template.json`);
    return new StackTemplate(JSON.parse(readFileSync(file, 'utf8')), assemblyDir);
  }

  /** Logical ids and resources of one CloudFormation type, in template order. */
  ofType(type: string): Array<[string, TemplateResource]> {
    return Object.entries(this.resources).filter(([, resource]) => resource.Type === type);
  }

  resource(logicalId: string): TemplateResource {
    const resource = this.resources[logicalId];
    if (!resource) throw new Error(`template: no resource ${logicalId}`);
    return resource;
  }

  /** Records a resource as deployed: what its `Ref` and attributes resolve to from now on. */
  deployed(logicalId: string, physical: PhysicalResource): void {
    this.resource(logicalId);
    this.physical.set(logicalId, physical);
  }

  physicalOf(logicalId: string): PhysicalResource {
    const physical = this.physical.get(logicalId);
    if (!physical)
      throw new Error(`template: ${logicalId} (${this.resource(logicalId).Type}) is not deployed`);
    return physical;
  }

  /** Logical id of the resource whose Ref or Arn attribute is `value`, if any. */
  logicalIdOf(value: string): string | undefined {
    for (const [logicalId, physical] of this.physical) {
      if (physical.ref === value || Object.values(physical.attributes).includes(value)) return logicalId;
    }
    return undefined;
  }

  /** Resolves every intrinsic function in `value`; throws naming any it cannot resolve. */
  resolve(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((item) => this.resolve(item));
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1) {
      const [key, argument] = entries[0] as [string, unknown];
      switch (key) {
        case 'Ref':
          return this.ref(argument as string);
        case 'Fn::GetAtt':
          return this.getAtt(argument);
        case 'Fn::Join': {
          const [delimiter, parts] = argument as [string, unknown[]];
          return (this.resolve(parts) as unknown[]).map(String).join(delimiter);
        }
        case 'Fn::Sub':
          return this.sub(argument);
        case 'Fn::Select': {
          const [index, list] = argument as [unknown, unknown];
          return (this.resolve(list) as unknown[])[Number(this.resolve(index))];
        }
        case 'Fn::Split': {
          const [delimiter, text] = argument as [string, unknown];
          return String(this.resolve(text)).split(delimiter);
        }
        default:
          if (key.startsWith('Fn::')) throw new Error(`template: intrinsic ${key} is not supported`);
      }
    }
    return Object.fromEntries(entries.map(([key, item]) => [key, this.resolve(item)]));
  }

  /** `resolve` for a value that must be a string. */
  resolveString(value: unknown): string {
    const resolved = this.resolve(value);
    if (typeof resolved !== 'string')
      throw new Error(`template: expected a string, got ${JSON.stringify(resolved)}`);
    return resolved;
  }

  private ref(name: string): string {
    const pseudo = pseudoParameters[name];
    if (pseudo !== undefined) return pseudo;
    return this.physicalOf(name).ref;
  }

  private getAtt(argument: unknown): string {
    const [logicalId, attribute] = (typeof argument === 'string' ? argument.split('.') : argument) as [
      string,
      string,
    ];
    const value = this.physicalOf(logicalId).attributes[attribute];
    if (value === undefined) throw new Error(`template: ${logicalId} has no attribute ${attribute}`);
    return value;
  }

  private sub(argument: unknown): string {
    const [text, variables] = (typeof argument === 'string' ? [argument, {}] : argument) as [
      string,
      Record<string, unknown>,
    ];
    return text.replace(/\$\{([^}!][^}]*)\}/g, (_match, name: string) => {
      if (name in variables) return String(this.resolve(variables[name]));
      if (name.includes('.')) return this.getAtt(name);
      return this.ref(name);
    });
  }
}
