export * from './decide-admission.js';
export * from './non-interference.js';
export * from './occupancy.js';
export * from './occupant.js';
export * from './preemption.js';
export * from './schedule.js';
