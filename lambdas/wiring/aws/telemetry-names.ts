import { defaultNamePrefix } from '../../core/release/alarms.js';

/**
 * Names the functions' telemetry and the stack's dashboard and alarms share (no Powertools import). The `service`
 * dimension of every metric is the stack's name prefix (`ITV_NAME_PREFIX`, infra/physical-names.ts), so two stacks
 * in one region keep their pipelines' metrics apart; `itv`, the default stack's, where it is not set (a test).
 */
export const serviceName = process.env.ITV_NAME_PREFIX ?? defaultNamePrefix;
export const metricsNamespace = 'itv/Pipeline';
