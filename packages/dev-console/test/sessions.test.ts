import { MemorySessionStore, type SessionRecord, type SessionStore, type SessionTransaction } from 'bottender';

import { counterApp, startHarness } from './harness';

/** A memory store that counts the records its listing yields, and may offer begin(). */
class ObservedStore implements SessionStore {
  readonly name = 'observed-memory';
  readonly inner = new MemorySessionStore({ maxSize: 200_000 });
  yielded = 0;
  begins = 0;
  read = (id: string) => this.inner.read(id);
  write = (record: SessionRecord, options: { expectedVersion: number; ttlMs?: number }) => this.inner.write(record, options);
  delete = (id: string) => this.inner.delete(id);
  async *list(): AsyncIterable<SessionRecord> {
    for await (const record of this.inner.list()) {
      this.yielded++;
      yield record;
    }
  }
}

class LockingStore extends ObservedStore {
  async begin(id: string): Promise<SessionTransaction> {
    this.begins++;
    const record = await this.inner.read(id);
    return {
      record,
      commit: (next, { ttlMs }) => this.inner.write(next, { expectedVersion: record?.version ?? 0, ttlMs }),
      release: async () => {},
    };
  }
}

async function fill(store: ObservedStore, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const id = `line:U${String(i).padStart(32, '0')}`;
    await store.inner.write({ id, platform: 'line', state: { count: i }, lastActivity: 1_700_000_000_000 + i, version: 1, eventIds: [] }, { expectedVersion: 0 });
  }
}

describe('the sessions list', () => {
  test('100,000 sessions: a page reads only what it shows, a rare search pages on without loading all', async () => {
    const store = new ObservedStore();
    await fill(store, 100_000);
    const h = await startHarness({ app: counterApp, store });
    try {
      let started = performance.now();
      const first = await h.api('GET', 'sessions?q=');
      const firstMs = performance.now() - started;
      expect(first.status).toBe(200);
      expect(first.json.items).toHaveLength(50);
      expect(first.json.cursor).toEqual(expect.any(String));
      // Streamed: the first page consumed its 50 records (plus the one in hand), not the store.
      expect(store.yielded).toBeLessThanOrEqual(51);
      expect(firstMs).toBeLessThan(2000);

      const next = await h.api('GET', `sessions?q=&cursor=${first.json.cursor}`);
      expect(next.json.items).toHaveLength(50);
      expect(new Set([...first.json.items, ...next.json.items].map((s: { id: string }) => s.id)).size).toBe(100);

      // One match among 100,000: each page stops at its scan limit and says there is more.
      const wanted = `U${String(77_777).padStart(32, '0')}`;
      const found: string[] = [];
      let cursor: string | null | undefined;
      let pages = 0;
      do {
        started = performance.now();
        const page = await h.api('GET', `sessions?q=${wanted.toLowerCase()}${cursor ? `&cursor=${cursor}` : ''}`);
        expect(performance.now() - started).toBeLessThan(2000);
        found.push(...page.json.items.map((s: { id: string }) => s.id));
        cursor = page.json.cursor;
        pages++;
      } while (cursor && pages < 50);
      expect(found).toEqual([`line:${wanted}`]);
      expect(pages).toBeGreaterThan(1);

      expect((await h.api('GET', 'sessions?q=x&cursor=unknown')).status).toBe(410);
    } finally {
      await h.close();
    }
  }, 120_000);
});

describe('editing a session from the page', () => {
  test('through store.begin when the store has it; a stale version is refused and nothing written', async () => {
    const store = new LockingStore();
    const h = await startHarness({ app: counterApp, store, initialState: { count: 0, name: 'x' } });
    try {
      const sent = await h.api('POST', 'send', { platform: 'line', source: { kind: 'user', user: 'bob' }, input: { kind: 'text', values: { text: 'hi' } } });
      const id = sent.json.sessionId;
      const beginsAfterEvent = store.begins;
      const edited = await h.api('POST', 'edit', { id, op: 'set', path: ['profile', 'name'], value: 'Bob', expectedVersion: 1 });
      expect(edited.status).toBe(200);
      expect(edited.json).toMatchObject({ version: 2, state: { count: 1, name: 'x', profile: { name: 'Bob' } } });
      expect(store.begins).toBe(beginsAfterEvent + 1);

      const stale = await h.api('POST', 'edit', { id, op: 'set', path: ['count'], value: 100, expectedVersion: 1 });
      expect(stale.status).toBe(409);
      expect(stale.json.error).toMatch(/version 2, not 1/);
      expect((await store.read(id))?.state.count).toBe(1);

      const reset = await h.api('POST', 'edit', { id, op: 'reset', expectedVersion: 2 });
      expect(reset.json).toMatchObject({ version: 3, state: { count: 0, name: 'x' } });
      const next = await h.api('POST', 'send', { platform: 'line', source: { kind: 'user', user: 'bob' }, input: { kind: 'text', values: { text: 'hi' } } });
      expect(next.json.entries[0].messages[0].messages[0].text).toBe('Count: 1');

      const removed = await h.api('POST', 'edit', { id, op: 'delete', path: ['name'], expectedVersion: 4 });
      expect(removed.json.state).toEqual({ count: 1 });
      expect(removed.json.changes).toEqual([{ path: ['name'], kind: 'removed' }]);
    } finally {
      await h.close();
    }
  });

  test('a store without begin: read and a write fenced on the version read', async () => {
    const store = new ObservedStore();
    const h = await startHarness({ app: counterApp, store, initialState: { count: 0 } });
    try {
      const sent = await h.api('POST', 'send', { platform: 'line', source: { kind: 'group', user: 'amy', conversation: 'ops' }, input: { kind: 'text', values: { text: 'hi' } } });
      const id = sent.json.sessionId;
      expect(id).toMatch(/^line:C[0-9a-f]{32}$/);
      const edited = await h.api('POST', 'edit', { id, op: 'set', path: ['count'], value: 10, expectedVersion: 1 });
      expect(edited.json).toMatchObject({ version: 2, state: { count: 10 }, changes: [{ path: ['count'], kind: 'changed' }] });
      const after = await h.api('POST', 'send', { platform: 'line', source: { kind: 'group', user: 'amy', conversation: 'ops' }, input: { kind: 'text', values: { text: 'hi' } } });
      expect(after.json.entries[0].messages[0].messages[0].text).toBe('Count: 11');
    } finally {
      await h.close();
    }
  });

  test('edits that cannot be stored are refused with a reason', async () => {
    const h = await startHarness({ app: counterApp, initialState: { count: 0 } });
    try {
      const id = 'line:U00000000000000000000000000000001';
      expect((await h.api('POST', 'edit', { id, op: 'set', path: [], value: 3, expectedVersion: 0 })).json.error).toMatch(/must stay an object/);
      expect((await h.api('POST', 'edit', { id, op: 'set', path: 'count', value: 3, expectedVersion: 0 })).status).toBe(400);
      expect((await h.api('POST', 'edit', { id, op: 'rename', expectedVersion: 0 })).status).toBe(400);
      expect((await h.api('POST', 'edit', { id, op: 'reset' })).status).toBe(400);
      const proto = await h.api('POST', 'edit', { id, op: 'set', path: ['__proto__'], value: { polluted: true }, expectedVersion: 0 });
      expect(proto.status).toBe(200);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.keys(proto.json.state)).toEqual(['count', '__proto__']);
    } finally {
      await h.close();
    }
  });
});
