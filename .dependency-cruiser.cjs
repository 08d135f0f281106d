/**
 * The dependency rules of the hexagon, checked by `npm run depcheck` (part of `npm test`).
 *
 * Layers, innermost first:
 * - `lambdas/core/<domain>/` and the files at the root of `lambdas/core`: pure domain rules (ledger, evidence,
 *   admission, release, signing, policy engine, …). They import each other, type-only port declarations and a
 *   few pure npm packages, never anything above them.
 * - `lambdas/core/pipeline/`: the use cases, one per stage, composed from the domain and the ports. The domain
 *   never imports a use case.
 * - `lambdas/ports/`: the interfaces the use cases drive; they speak the core's types only.
 * - adapters (`lambdas/adapters/`) implement ports; stages (contract, use case, access), their Lambda entries
 *   (`lambdas/functions/`), API handlers and the composition roots
 *   (`lambdas/wiring/aws`, `lambdas/wiring/local`) sit on top, with the policy set, the catalog, the CLI and the
 *   stack.
 */

/** npm packages the pure core may use: parsing and validation, nothing that does I/O or talks to AWS. */
const corePackages = ['zod', 'ajv', 'ajv-formats', 'canonicalize'];
const corePackagePaths = `(^|/)node_modules/(${corePackages.join('|')})/`;

module.exports = {
  forbidden: [
    {
      name: 'core-is-pure',
      comment:
        'lambdas/core imports only itself, the ports (types), node builtins and pure validation packages; ' +
        'adapters, wiring, stages, API handlers, the policy set, the catalog, the CLI and the stack are handed in.',
      severity: 'error',
      from: { path: '^lambdas/core/' },
      to: {
        dependencyTypesNot: ['core'],
        pathNot: ['^lambdas/core/', '^lambdas/ports/', corePackagePaths],
      },
    },
    {
      name: 'core-uses-ports-as-types',
      comment: 'The core drives ports; it never loads a port module for its values.',
      severity: 'error',
      from: { path: '^lambdas/core/' },
      to: { path: '^lambdas/ports/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'domain-below-use-cases',
      comment:
        'The domain subfolders of lambdas/core sit below the use-case layer (lambdas/core/pipeline): ' +
        'a rule never imports the flow that applies it.',
      severity: 'error',
      from: { path: '^lambdas/core/', pathNot: '^lambdas/core/pipeline/' },
      to: { path: '^lambdas/core/pipeline/' },
    },
    {
      name: 'ports-speak-core-types',
      comment: 'A port declares an interface in the core vocabulary; it imports nothing else.',
      severity: 'error',
      from: { path: '^lambdas/ports/' },
      to: {
        pathNot: ['^lambdas/ports/', '^lambdas/core/'],
      },
    },
    {
      name: 'ports-import-types-only',
      comment:
        'Ports hold declarations; importing the core for values would make them modules with behaviour.',
      severity: 'error',
      from: { path: '^lambdas/ports/' },
      to: { path: '^lambdas/core/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'adapters-below-entry-points',
      comment:
        'An adapter implements a port; the stages, API handlers, composition roots and CLI choose adapters, ' +
        'never the other way round.',
      severity: 'error',
      from: { path: '^lambdas/adapters/' },
      to: { path: ['^lambdas/stages/', '^lambdas/functions/', '^lambdas/api/', '^lambdas/wiring/', '^cli/'] },
    },
    {
      name: 'lambdas-below-the-cli-and-stack',
      comment:
        'The functions and both composition roots load nothing from the CLI, the stack definition or the bench: ' +
        'the CLI opens the local composition root, not the other way round.',
      severity: 'error',
      from: { path: '^lambdas/' },
      to: { path: ['^cli/', '^infra/', '^bench/', '^test/'] },
    },
    {
      name: 'aws-entry-points-never-load-the-simulators',
      comment:
        'Stages, API handlers and the AWS composition root run on Lambda: local adapters and the local ' +
        'composition root are for the laptop runtime only.',
      severity: 'error',
      from: {
        path: [
          '^lambdas/stages/',
          '^lambdas/functions/',
          '^lambdas/api/',
          '^lambdas/wiring/aws/',
          '^lambdas/adapters/aws/',
        ],
      },
      to: { path: ['^lambdas/adapters/local/', '^lambdas/wiring/local/'] },
    },
    {
      name: 'stages-choose-no-adapters',
      comment:
        'A stage declares its contract, use case and access; the function entry (lambdas/functions) or the ' +
        'local runtime hands it adapters, so the state machine, the stack and the laptop share one declaration.',
      severity: 'error',
      from: { path: '^lambdas/stages/' },
      to: { path: ['^lambdas/adapters/', '^lambdas/wiring/', '^lambdas/functions/', '^policies/'] },
    },
    {
      name: 'policies-and-catalog-below-entry-points',
      comment: 'The policy set and the catalog are data and rules over the core; they load no runtime.',
      severity: 'error',
      from: { path: ['^policies/', '^catalog/'] },
      to: { path: ['^lambdas/(adapters|wiring|stages|functions|api)/', '^cli/', '^infra/'] },
    },
    {
      name: 'runtime-without-dev-dependencies',
      comment:
        'The functions, the CLI, the catalog and the policy set run where only `dependencies` are installed ' +
        '(`npm install --omit=dev`, a Lambda bundle): they load no devDependency (type imports aside).',
      severity: 'error',
      from: { path: ['^lambdas/', '^cli/', '^catalog/', '^policies/'] },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'runtime-never-reaches-the-cdk',
      comment:
        'aws-cdk-lib and constructs are dev dependencies for the stack and the ASL synth; the `itv` CLI and the ' +
        'functions must not reach them through any chain of imports (statemachines/task-states.ts is CDK-free).',
      severity: 'error',
      from: { path: ['^lambdas/', '^cli/'] },
      to: { path: 'node_modules/(aws-cdk-lib|constructs)/', reachable: true },
    },
    {
      name: 'no-circular',
      comment: 'A cycle makes two modules one; break it by moving the shared part down a layer.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that does not resolve is a broken module.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: ['\\.test\\.ts$', '^cdk\\.out/', '^\\.itv/'] },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.json', '.d.ts'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
