import { InvalidInputError } from '../../lambdas/core/errors.js';
import { table } from '../format.js';
import {
  checkedContext,
  configDir,
  type DeployedContext,
  localContext,
  readContexts,
  writeContexts,
} from '../remote/contexts.js';

/** The stack outputs a context is read from (infra/itv-stack.ts). */
const outputs = { endpoint: 'ApiUrl', evidenceBucket: 'EvidenceBucketName' } as const;

/**
 * `itv context add NAME`: a deployed stack, by its CloudFormation stack's outputs (`--stack` with `--region`,
 * read with your AWS credentials) or by its API's URL (`--endpoint`). Stores names and addresses only.
 */
export async function contextAddCommand(
  name: string,
  options: {
    stack?: string;
    endpoint?: string;
    region?: string;
    profile?: string;
    evidenceBucket?: string;
    use?: boolean;
    json?: boolean;
  },
): Promise<number> {
  const issues: Array<{ path: string; message: string }> = [];
  if ((options.stack === undefined) === (options.endpoint === undefined))
    issues.push({ path: '--stack', message: 'give either --stack (with --region) or --endpoint' });
  const region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!region) issues.push({ path: '--region', message: 'is required (or AWS_REGION)' });
  if (issues.length > 0) throw new InvalidInputError(`context ${name} needs a stack to point at`, issues);
  let context: DeployedContext;
  if (options.stack !== undefined) {
    const { stackOutputs } = await import('../remote/stack-outputs.js');
    const { standardCredentials } = await import('../remote/signed-request.js');
    const found = await stackOutputs(options.stack, {
      region: region!,
      credentials: standardCredentials(options.profile),
    });
    const endpoint = found[outputs.endpoint];
    if (!endpoint) {
      throw new InvalidInputError(`stack ${options.stack} has no ${outputs.endpoint} output`, [
        { path: '--stack', message: `outputs are: ${Object.keys(found).join(', ') || 'none'}` },
      ]);
    }
    context = {
      endpoint,
      region: region!,
      stack: options.stack,
      ...(found[outputs.evidenceBucket] ? { evidenceBucket: found[outputs.evidenceBucket] } : {}),
    };
  } else {
    context = { endpoint: options.endpoint!, region: region! };
  }
  if (options.evidenceBucket) context.evidenceBucket = options.evidenceBucket;
  if (options.profile) context.profile = options.profile;
  const checked = checkedContext(name, context);
  const file = readContexts();
  file.contexts[name] = checked;
  if (options.use) file.current = name;
  writeContexts(file);
  if (options.json)
    console.log(JSON.stringify({ name, ...checked, current: file.current === name }, null, 2));
  else {
    console.log(
      `context ${name}: ${checked.endpoint} (${checked.region})${options.use ? ', now in use' : ''}`,
    );
    if (!options.use)
      console.log(`use it with: itv context use ${name}, ITV_CONTEXT=${name} or --context ${name}`);
  }
  return 0;
}

export async function contextListCommand(options: { json?: boolean }): Promise<number> {
  const file = readContexts();
  const rows = [
    { name: localContext, endpoint: `embedded stack under ITV_HOME`, region: '-', stack: '-' },
    ...Object.entries(file.contexts).map(([name, c]) => ({
      name,
      endpoint: c.endpoint,
      region: c.region,
      stack: c.stack ?? '-',
    })),
  ];
  const current = process.env.ITV_CONTEXT || file.current;
  if (options.json) {
    console.log(JSON.stringify({ current, configDir: configDir(), contexts: file.contexts }, null, 2));
    return 0;
  }
  console.log(
    table(
      ['', 'context', 'endpoint', 'region', 'stack'],
      rows.map((row) => [row.name === current ? '*' : '', row.name, row.endpoint, row.region, row.stack]),
    ),
  );
  return 0;
}

export async function contextUseCommand(name: string, options: { json?: boolean }): Promise<number> {
  const file = readContexts();
  if (name !== localContext && !file.contexts[name]) throw unknownContext(name, file.contexts);
  file.current = name;
  writeContexts(file);
  console.log(options.json ? JSON.stringify({ current: name }) : `now using context ${name}`);
  return 0;
}

export async function contextRemoveCommand(name: string, options: { json?: boolean }): Promise<number> {
  const file = readContexts();
  if (!file.contexts[name]) throw unknownContext(name, file.contexts);
  delete file.contexts[name];
  if (file.current === name) file.current = localContext;
  writeContexts(file);
  console.log(
    options.json ? JSON.stringify({ removed: name, current: file.current }) : `removed context ${name}`,
  );
  return 0;
}

function unknownContext(name: string, contexts: Record<string, unknown>): InvalidInputError {
  return new InvalidInputError(`no context named ${name}`, [
    { path: 'name', message: `is not one of: ${[localContext, ...Object.keys(contexts)].join(', ')}` },
  ]);
}
