// A worker run from its TypeScript sources where esbuild is not installed (see worker-module.ts): the worker
// compiles them as the process that started it does (tsx), then loads its module.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
