/**
 * Headers the CLI sends to its home's control plane: who it acts as and how it knows. Apart from the control
 * plane's authentication (`local-auth.ts`), so that a client loads neither the principals nor zod.
 */
export const localHeaders = {
  principal: 'x-itv-principal',
  namedBy: 'x-itv-named-by',
} as const;
