/** Jest runs the TypeScript sources as ESM (middy and aws-local-stepfunctions are ESM-only). */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  roots: ['<rootDir>/test', '<rootDir>/policies'],
  testMatch: ['**/*.test.ts'],
  // The deployed-stack suite needs cdk.out and moto_server: `npm run test:deployed` runs it.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/deployed/scenarios/'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  // SWC strips the types, file by file (`npm run typecheck` checks them): on a fresh clone, with no transform
  // cache yet, it transpiles the repository's 800 files in 0.5 s of CPU, where TypeScript's transpiler took 10 s.
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022', keepClassNames: true },
        sourceMaps: 'inline',
      },
    ],
  },
  testTimeout: 60000,
  // On a fresh clone Jest knows no file's duration: start the ones that spawn processes and servers first.
  testSequencer: '<rootDir>/test/support/heaviest-first-sequencer.js',
  // One worker per core: jest's default keeps one core idle, which on two cores is half the machine. The files
  // that start servers or dynalite pick free ports and close them before they end, so they run side by side.
  maxWorkers: '100%',
  // A worker whose handles are all closed still takes 0.3–1.5 s to tear down its heap after its 'exit' event
  // (hundreds of MB of ESM module graphs; longer on a busy machine), past Jest's default 500 ms, after which it
  // is killed and reported as a leak. A real leak keeps the worker alive past this too, and is still reported.
  workerGracefulExitTimeout: 5000,
  // `npm run test:coverage` (run by .ci/run): the pure core as its unit tests cover it, held to a floor a
  // little below what they reached when it was set (95.2% lines, 88.8% branches, 96.5% functions). It leaves out
  // the unit test of docs/verify-bundle.sh, which runs bash and openssl and no line of the core.
  collectCoverageFrom: ['lambdas/core/**/*.ts'],
  coverageProvider: 'v8',
  coverageThreshold: { global: { lines: 94, statements: 94, branches: 87, functions: 95 } },
};
