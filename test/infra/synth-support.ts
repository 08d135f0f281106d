import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Template } from 'aws-cdk-lib/assertions';
import { createItvApp, type ItvAppOptions } from '../../infra/build-app.js';
import type { EventPublisher } from '../../infra/event-publishers.js';
import type { ItvFunctionName } from '../../infra/function-access.js';
import type { CatalogService } from '../../infra/release-config.js';

const slo = { availabilityObjective: 0.999, latencyP99Ms: 250, errorBudgetRemaining: 0.6 };

/** Two services: one with a feature-flag and a freeform profile, one with a freeform profile only. */
export const fixtureServices: CatalogService[] = [
  {
    name: 'checkout',
    environment: 'checkout-live',
    slo: { ...slo, errorRate: 0.01 },
    profiles: {
      flags: { type: 'feature-flags', contracts: { '1.0.0': { type: 'object' } } },
      limits: {
        type: 'freeform',
        contracts: {
          '1.2.0': { type: 'object', properties: { perMinute: { type: 'integer' } } },
          '1.10.0': {
            type: 'object',
            required: ['perMinute'],
            properties: { perMinute: { type: 'integer' } },
          },
          '1.9.3': { type: 'object' },
        },
      },
    },
  },
  {
    name: 'search',
    environment: 'search-live',
    slo: { ...slo, errorRate: 0.025 },
    profiles: { tuning: { type: 'freeform', contracts: { '2.0.0': { type: 'object' } } } },
  },
];

/** Two CI principals: one role with any session, one with a path, as the catalog writes them. */
export const fixturePublishers: EventPublisher[] = [
  {
    principal: 'ci-growth',
    source: 'itv.ci.growth',
    callerArns: ['arn:aws:iam::123456789012:role/ci/ItvGrowthCi'],
  },
  { principal: 'ci-sre', source: 'itv.ci.sre', callerArns: ['arn:aws:iam::123456789012:role/ItvSreCi'] },
];

/** Synthesizes the stack without bundling or the CDK's template validation (fast) and returns it with its template. */
export function synthesizeItv(options: Partial<ItvAppOptions> = {}) {
  const { app, stack } = createItvApp({
    services: fixtureServices,
    publishers: fixturePublishers,
    bundling: false,
    templateValidation: false,
    ...options,
  });
  const template = Template.fromStack(stack);
  // Without an outdir the CDK made one in the temporary folder (`cdk.out…`) and leaves it there.
  if (options.outdir === undefined) rmSync(app.outdir, { recursive: true, force: true });
  return { stack, template };
}

const root = fileURLToPath(new URL('../../', import.meta.url));
/** What the fixture stack is built from: the stack's code, everything it bundles or reads, and the CDK. */
const inputs = ['infra', 'lambdas', 'statemachines', 'catalog', 'policies', 'test/infra/synth-support.ts'];
const templateCache = join(root, 'node_modules', '.cache', 'itv', 'templates');

function filesUnder(path: string): string[] {
  const full = join(root, path);
  if (statSync(full).isFile()) return [path];
  return readdirSync(full, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)));
}

/** A digest of every input of the fixture stack's template, so a cached template is used only while it holds. */
function inputsDigest(): string {
  const hash = createHash('sha256').update(process.version);
  const files = [...inputs.flatMap(filesUnder), 'package-lock.json'].sort();
  for (const file of files)
    hash
      .update(`${file}\0`)
      .update(readFileSync(join(root, file)))
      .update('\0');
  return hash.digest('hex').slice(0, 16);
}

/**
 * The default fixture stack's template. Synthesizing loads most of the CDK and takes seconds of CPU, so the
 * template is kept in `node_modules/.cache/itv/templates` under a digest of everything it is built from, and
 * read back by the next test file that needs it, in this run or a later one, until any input changes.
 */
export function fixtureTemplate(): Template {
  const file = join(templateCache, `${inputsDigest()}.json`);
  if (existsSync(file)) return Template.fromJSON(JSON.parse(readFileSync(file, 'utf8')));
  const { template } = synthesizeItv();
  mkdirSync(templateCache, { recursive: true });
  // Written whole, then renamed: a reader in another worker never sees half a template.
  const partial = `${file}.${process.pid}`;
  writeFileSync(partial, JSON.stringify(template.toJSON()));
  renameSync(partial, file);
  for (const old of readdirSync(templateCache)) {
    if (old.endsWith('.json') && join(templateCache, old) !== file)
      rmSync(join(templateCache, old), { force: true });
  }
  return template;
}

type Resource = { Type: string; Properties: Record<string, unknown> };
type Statement = { Effect: string; Action: string | string[]; Resource?: unknown };

const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/** The logical id of each function's execution role, by itv function name (read from the description). */
export function roleOfFunction(template: Template): Record<ItvFunctionName, string> {
  const roles: Record<string, string> = {};
  for (const fn of Object.values(template.findResources('AWS::Lambda::Function')) as Resource[]) {
    const name = String(fn.Properties.Description).replace(/^itv /, '');
    roles[name] = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  }
  return roles as Record<ItvFunctionName, string>;
}

/** Every Allow action granted to a role through the stack's IAM policies. */
export function allowedActionsByRole(template: Template): Map<string, Set<string>> {
  const byRole = new Map<string, Set<string>>();
  for (const policy of Object.values(template.findResources('AWS::IAM::Policy')) as Resource[]) {
    const statements = (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement;
    const actions = statements.filter((s) => s.Effect === 'Allow').flatMap((s) => asArray(s.Action));
    for (const role of policy.Properties.Roles as Array<{ Ref: string }>) {
      const set = byRole.get(role.Ref) ?? new Set<string>();
      for (const action of actions) set.add(action);
      byRole.set(role.Ref, set);
    }
  }
  return byRole;
}

/** Allow actions per role on statements whose resources mention a logical id (e.g. the ledger table's). */
export function actionsOnResource(template: Template, logicalIdPrefix: string): Map<string, Set<string>> {
  const byRole = new Map<string, Set<string>>();
  for (const policy of Object.values(template.findResources('AWS::IAM::Policy')) as Resource[]) {
    const statements = (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement;
    const onResource = statements.filter(
      (s) => s.Effect === 'Allow' && JSON.stringify(s.Resource ?? '').includes(`"${logicalIdPrefix}`),
    );
    for (const role of policy.Properties.Roles as Array<{ Ref: string }>) {
      const set = byRole.get(role.Ref) ?? new Set<string>();
      for (const action of onResource.flatMap((s) => asArray(s.Action))) set.add(action);
      byRole.set(role.Ref, set);
    }
  }
  return byRole;
}

/** The roles allowed an action, by logical id. */
export function rolesAllowed(template: Template, action: string): string[] {
  return [...allowedActionsByRole(template)]
    .filter(([, actions]) => actions.has(action))
    .map(([role]) => role);
}

/** The environment variables of a function, by itv function name. */
export function environmentOf(template: Template, name: ItvFunctionName): Record<string, unknown> {
  const match = (Object.values(template.findResources('AWS::Lambda::Function')) as Resource[]).find(
    (fn) => fn.Properties.Description === `itv ${name}`,
  );
  if (!match) throw new Error(`no function described as "itv ${name}"`);
  return (match.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
}
