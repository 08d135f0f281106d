/** The deployed-stack suite: scenarios run one file at a time against one moto_server (see run.ts). */
import base from '../../jest.config.js';

export default {
  ...base,
  rootDir: '../..',
  roots: ['<rootDir>/test/deployed/scenarios'],
  testPathIgnorePatterns: [],
  testTimeout: 600_000,
  maxWorkers: 1,
};
