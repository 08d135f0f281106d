export * from './continuity.js';
export * from './decision-cache.js';
export * from './fingerprint.js';
export * from './reuse.js';
