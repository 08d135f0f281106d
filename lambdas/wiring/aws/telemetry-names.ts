/** Names the functions' telemetry and the stack's dashboard and alarms share (no Powertools import). */
export const serviceName = 'itv';
export const metricsNamespace = 'itv/Pipeline';
