import middy from '@middy/core';
import * as z from 'zod';

test('ESM-only middy runs a zod-checked handler under jest', async () => {
  const handler = middy(async (event: unknown) => z.object({ n: z.number() }).parse(event).n + 1);
  await expect(handler({ n: 1 }, {} as never)).resolves.toBe(2);
});
