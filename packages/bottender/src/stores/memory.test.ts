import { describeSessionStoreConformance } from '../testing/conformance';
import type { SessionRecord } from '../session/types';
import { MemorySessionStore } from './memory';

// The memory driver keeps its text private and offers no way to damage it, so the
// corrupted-data check is listed as not applicable here (the file driver runs it).
describeSessionStoreConformance('memory', () => new MemorySessionStore(), { holdsEvents: true });

function record(id: string, version = 1, state: Record<string, any> = {}): SessionRecord {
  return { id, platform: 'test', state, lastActivity: 1_000, version, eventIds: [] };
}

describe('MemorySessionStore', () => {
  describe('maxSize', () => {
    it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, '3', true, {}])(
      'refuses %p with a TypeError naming the option',
      (maxSize) => {
        const make = () => new MemorySessionStore({ maxSize: maxSize as number });
        expect(make).toThrow(TypeError);
        expect(make).toThrow(/session\.stores\.memory\.maxSize must be a positive integer/);
      },
    );

    it('takes an omitted (undefined or null) maxSize as the default', () => {
      expect(() => new MemorySessionStore({ maxSize: undefined })).not.toThrow();
      expect(() => new MemorySessionStore({ maxSize: null as unknown as number })).not.toThrow();
    });

    it('defaults to 500 sessions', async () => {
      const store = new MemorySessionStore();
      for (let i = 0; i < 501; i++) await store.write(record(`test:${i}`), { expectedVersion: 0 });
      expect(store.size).toBe(500);
      expect(await store.read('test:0')).toBeUndefined();
      expect(await store.read('test:500')).toBeDefined();
    });

    it('drops the least recently used session past the limit', async () => {
      const store = new MemorySessionStore({ maxSize: 2 });
      await store.write(record('test:a'), { expectedVersion: 0 });
      await store.write(record('test:b'), { expectedVersion: 0 });
      await store.read('test:a'); // a is now more recent than b
      await store.write(record('test:c'), { expectedVersion: 0 });
      expect(await store.read('test:b')).toBeUndefined();
      expect(await store.read('test:a')).toBeDefined();
      expect(await store.read('test:c')).toBeDefined();
      expect(store.size).toBe(2);
    });
  });

  describe('isolation', () => {
    it('returns a fresh copy on every read', async () => {
      const store = new MemorySessionStore();
      await store.write(record('test:u', 1, { list: [1] }), { expectedVersion: 0 });
      const first = await store.read('test:u');
      first!.state.list.push(2);
      first!.state.added = true;
      const second = await store.read('test:u');
      expect(second).not.toBe(first);
      expect(second!.state).toEqual({ list: [1] });
    });

    it('keeps what was written, not the object the caller goes on changing', async () => {
      const store = new MemorySessionStore();
      const written = record('test:u', 1, { n: 1 });
      await store.write(written, { expectedVersion: 0 });
      written.state.n = 2;
      written.version = 7;
      expect(await store.read('test:u')).toEqual(record('test:u', 1, { n: 1 }));
    });

    it('lists copies too', async () => {
      const store = new MemorySessionStore();
      await store.write(record('test:u', 1, { n: 1 }), { expectedVersion: 0 });
      for await (const listed of store.list()) listed.state.n = 99;
      expect((await store.read('test:u'))!.state).toEqual({ n: 1 });
    });
  });

  it('forgets everything on close', async () => {
    const store = new MemorySessionStore();
    await store.write(record('test:u'), { expectedVersion: 0 });
    await store.close();
    expect(store.size).toBe(0);
    expect(await store.read('test:u')).toBeUndefined();
  });
});
