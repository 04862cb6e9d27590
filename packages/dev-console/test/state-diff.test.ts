import { diffState } from '@bottender/dev-console';

describe('diffState: what an event changed, for highlighting', () => {
  test('changed, added and removed leaves, by path', () => {
    expect(diffState({ count: 1, name: 'a', gone: true }, { count: 2, name: 'a', fresh: [] })).toEqual([
      { path: ['count'], kind: 'changed' },
      { path: ['gone'], kind: 'removed' },
      { path: ['fresh'], kind: 'added' },
    ]);
  });

  test('nested objects and arrays index by index', () => {
    expect(diffState({ cart: { items: ['a', 'b'] } }, { cart: { items: ['a', 'c', 'd'] } })).toEqual([
      { path: ['cart', 'items', 1], kind: 'changed' },
      { path: ['cart', 'items', 2], kind: 'added' },
    ]);
  });

  test('a value whose type changed is one change; equal states none', () => {
    expect(diffState({ a: { b: 1 } }, { a: [1] })).toEqual([{ path: ['a'], kind: 'changed' }]);
    expect(diffState({ a: { b: [1, { c: null }] } }, { a: { b: [1, { c: null }] } })).toEqual([]);
  });
});
