import { runInNewContext } from 'node:vm';

import { StateCell } from './state-cell';

describe('StateCell', () => {
  const initial = { count: 0, nested: { list: [1] } };

  it('merges shallowly, as Bottender setState does', () => {
    const cell = new StateCell<any>({ count: 1, nested: { list: [1, 2] } }, initial);
    cell.set({ count: 2 });
    expect(cell.snapshot()).toEqual({ count: 2, nested: { list: [1, 2] } });
    cell.set({ nested: { other: true } });
    expect(cell.snapshot()).toEqual({ count: 2, nested: { other: true } });
  });

  it('resets to a deep copy of the initial state', () => {
    const cell = new StateCell<any>({ count: 5 }, initial);
    cell.reset();
    cell.view.nested.list.push(2);
    expect(cell.snapshot()).toEqual(initial);
    expect(initial.nested.list).toEqual([1]);
  });

  it('hands out copies: the handler cannot change the committed value directly', () => {
    const cell = new StateCell<any>({ count: 1 }, initial);
    cell.view.count = 42;
    const partial = { nested: { list: [9] } };
    cell.set(partial);
    partial.nested.list.push(10);
    expect(cell.snapshot()).toEqual({ count: 1, nested: { list: [9] } });
  });

  it('rejects what is not a plain object, or cannot be stored as JSON, with a clear error', () => {
    const cell = new StateCell<any>({}, {});
    expect(() => cell.set(null as any)).toThrow('setState expects a plain object of keys to merge, got null');
    expect(() => cell.set([1] as any)).toThrow('got an array');
    expect(() => cell.set(new Map() as any)).toThrow('got a Map instance');
    expect(() => cell.set({ big: 1n } as any)).toThrow(/cannot be stored as JSON/);
    const cyclic: any = {};
    cyclic.self = cyclic;
    expect(() => cell.set({ cyclic })).toThrow(/cannot be stored as JSON/);
    expect(cell.changed).toBe(false);
  });

  it('accepts plain objects made in another realm (a handler loaded in its own vm context)', () => {
    const cell = new StateCell<any>({}, {});
    cell.set(runInNewContext('({ count: 1 })'));
    expect(cell.snapshot()).toEqual({ count: 1 });
  });

  it('keeps "__proto__" as a plain key and never touches the prototype chain', () => {
    const cell = new StateCell<any>({}, {});
    cell.set(JSON.parse('{"__proto__": {"polluted": true}, "constructor": 1}'));
    const state = cell.snapshot();
    expect(Object.getPrototypeOf(state)).toBe(Object.prototype);
    expect(({} as any).polluted).toBeUndefined();
    expect(JSON.stringify(state)).toBe('{"__proto__":{"polluted":true},"constructor":1}');
  });
});
