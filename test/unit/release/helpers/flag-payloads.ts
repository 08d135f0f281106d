/**
 * A payload a catalog flag contract admits, setting every flag it declares: each enabled, each attribute with
 * the lowest value its schema allows (an enum's first member, a boolean true). Attributes of other shapes
 * are left out; the flag contracts hold none.
 */
export function flagPayloadFor(contract: Record<string, unknown>): Record<string, Record<string, unknown>> {
  const flags = (contract.properties ?? {}) as Record<
    string,
    { properties?: Record<string, Record<string, unknown>> }
  >;
  return Object.fromEntries(
    Object.entries(flags).map(([flag, schema]) => {
      const value: Record<string, unknown> = { enabled: true };
      for (const [attribute, attributeSchema] of Object.entries(schema.properties ?? {})) {
        if (attribute === 'enabled') continue;
        const sample = sampleOf(attributeSchema);
        if (sample !== undefined) value[attribute] = sample;
      }
      return [flag, value];
    }),
  );
}

function sampleOf(schema: Record<string, unknown>): unknown {
  if (Array.isArray(schema.enum)) return schema.enum[0];
  if (schema.type === 'boolean') return true;
  if (schema.type === 'integer' || schema.type === 'number') {
    return typeof schema.minimum === 'number' ? schema.minimum : 0;
  }
  return undefined;
}
