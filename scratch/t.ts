import { intentSchema } from '../lambdas/core/intent.ts';
import { z } from 'zod';
const r = intentSchema.safeParse({ apiVersion: 'itv/v1', kind: 'Intent', title: 'x', goal: {}, authority: {requester: 'a'}, timestamp: 'bad', change: { service: 'A', payload: {} }, extra: 1 });
console.log(JSON.stringify(r.error!.issues.slice(0,20), null, 0));
console.log(JSON.stringify(z.toJSONSchema(intentSchema, {io: 'input'})).length);
