/** Jest runs the TypeScript sources as ESM (middy and aws-local-stepfunctions are ESM-only). */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  roots: ['<rootDir>/test', '<rootDir>/policies'],
  testMatch: ['**/*.test.ts'],
  // The deployed-stack suite needs cdk.out and moto_server: `npm run test:deployed` runs it.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/deployed/scenarios/'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
  },
  testTimeout: 60000,
};
