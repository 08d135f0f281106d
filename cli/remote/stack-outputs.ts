import { ItvError } from '../../lambdas/core/errors.js';
import { type SigningTarget, signedRequest, unreachable } from './signed-request.js';

/** The stack has no such output, or CloudFormation refused the call. */
export class StackOutputsError extends ItvError {}

/**
 * CloudFormation's endpoint for the region, or the one AWS_ENDPOINT_URL_CLOUDFORMATION (else AWS_ENDPOINT_URL)
 * names, as the AWS SDKs and CLI honour them
 * (https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html).
 */
export function cloudFormationEndpoint(region: string, env: NodeJS.ProcessEnv = process.env): URL {
  return new URL(
    env.AWS_ENDPOINT_URL_CLOUDFORMATION ||
      env.AWS_ENDPOINT_URL ||
      `https://cloudformation.${region}.amazonaws.com/`,
  );
}

const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const unescapeXml = (text: string) =>
  text.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);/gi, (_m, name: string) =>
    name.startsWith('#x') || name.startsWith('#X')
      ? String.fromCodePoint(Number.parseInt(name.slice(2), 16))
      : name.startsWith('#')
        ? String.fromCodePoint(Number(name.slice(1)))
        : (entities[name] ?? ''),
  );
const tag = (xml: string, name: string) => new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(xml)?.[1];

/**
 * The outputs of a CloudFormation stack: `DescribeStacks` over CloudFormation's Query API, signed like any
 * other call. Its answer is XML with a fixed, shallow shape (`Stacks.member.Outputs.member.{OutputKey,
 * OutputValue}`), read here with a few patterns rather than an XML library and the whole CloudFormation client.
 */
export async function stackOutputs(
  stackName: string,
  target: Omit<SigningTarget, 'service'>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Record<string, string>> {
  const body = new URLSearchParams({ Action: 'DescribeStacks', StackName: stackName, Version: '2010-05-15' });
  const endpoint = cloudFormationEndpoint(target.region, env);
  const answer = await signedRequest(
    endpoint,
    {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: body.toString(),
    },
    { ...target, service: 'cloudformation' },
    30_000,
  ).catch((error: unknown) => {
    const why = unreachable(error);
    if (why === undefined) throw error;
    throw new StackOutputsError(
      `CloudFormation (${endpoint.origin}) could not be reached to read stack ${stackName}'s outputs: ${why}; check the network and --region, or give the API's URL with --endpoint instead of --stack`,
      { cause: error },
    );
  });
  if (answer.status !== 200) {
    const code = tag(answer.text, 'Code') ?? `HTTP ${answer.status}`;
    const message = unescapeXml(tag(answer.text, 'Message') ?? answer.text.slice(0, 300));
    throw new StackOutputsError(`CloudFormation DescribeStacks ${stackName}: ${code}: ${message}`);
  }
  const outputs: Record<string, string> = {};
  const block = tag(answer.text, 'Outputs') ?? '';
  for (const member of block.matchAll(/<member>([\s\S]*?)<\/member>/g)) {
    const key = tag(member[1]!, 'OutputKey');
    const value = tag(member[1]!, 'OutputValue');
    if (key !== undefined && value !== undefined) outputs[unescapeXml(key)] = unescapeXml(value);
  }
  return outputs;
}
