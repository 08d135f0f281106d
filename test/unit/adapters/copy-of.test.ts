import { copyOf } from '../../../lambdas/adapters/local/sole-writer-state-cache.js';

describe('copyOf, the state cache copy', () => {
  it('copies plain objects and arrays deeply: changing the copy leaves the original as it was', () => {
    const original = { pk: 'INTENT#a', data: { list: [1, { deep: 'x' }], flag: true, none: null } };
    const copy = copyOf(original);
    expect(copy).toEqual(original);
    (copy.data.list[1] as { deep: string }).deep = 'changed';
    (copy.data.list as unknown[]).push(2);
    copy.data.flag = false;
    expect(original).toEqual({ pk: 'INTENT#a', data: { list: [1, { deep: 'x' }], flag: true, none: null } });
  });

  it('copies what is not a plain object (sets and bytes the unmarshaller makes, dates) as structuredClone does', () => {
    const original = { tags: new Set(['a']), bytes: new Uint8Array([1, 2]), at: new Date(0) };
    const copy = copyOf(original);
    // Jest's module realm differs from structuredClone's: compare the kind, not the constructor.
    expect(Object.prototype.toString.call(copy.tags)).toBe('[object Set]');
    expect(copy.tags).not.toBe(original.tags);
    expect([...copy.tags]).toEqual(['a']);
    expect(Object.prototype.toString.call(copy.bytes)).toBe('[object Uint8Array]');
    copy.bytes[0] = 9;
    expect(original.bytes[0]).toBe(1);
    expect(copy.at.getTime()).toBe(0);
  });

  it('keeps scalars, undefined fields and objects without a prototype', () => {
    expect(copyOf(3)).toBe(3);
    expect(copyOf(undefined)).toBeUndefined();
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { a: { b: 1 } });
    const copy = copyOf(bare);
    expect(copy).toEqual({ a: { b: 1 } });
    expect(copy.a).not.toBe(bare.a);
    expect(copyOf({ a: undefined })).toHaveProperty('a', undefined);
  });

  it('keeps a member named __proto__ a member: the copy gets no prototype from the data it copies', () => {
    const original = JSON.parse('{"content":{"__proto__":{"isAdmin":true},"flag":1}}') as {
      content: Record<string, unknown>;
    };
    const copy = copyOf(original);
    expect(Object.keys(copy.content)).toEqual(['__proto__', 'flag']);
    expect(Object.getPrototypeOf(copy.content)).toBe(Object.prototype);
    expect((copy.content as { isAdmin?: unknown }).isAdmin).toBeUndefined();
  });
});
