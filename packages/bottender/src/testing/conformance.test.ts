import type { SessionRecord, SessionStore } from '../session/types';
import { MemorySessionStore } from '../stores/memory';
import { runSessionStoreConformance, sessionStoreConformanceChecks } from './conformance';

/** A store that keeps the caller's objects and never checks versions: what the suite must catch. */
class CarelessStore implements SessionStore {
  readonly name = 'careless';
  readonly records = new Map<string, SessionRecord>();
  async read(id: string) {
    return this.records.get(id);
  }
  async write(record: SessionRecord) {
    this.records.set(record.id, record);
  }
  async delete(id: string) {
    this.records.delete(id);
  }
  async *list() {
    yield* this.records.values();
  }
}

describe('runSessionStoreConformance', () => {
  it('passes a correct driver, and lists the checks its options rule out', async () => {
    const results = await runSessionStoreConformance(() => new MemorySessionStore(), { supportsTtl: false });
    expect(results.filter((r) => r.status === 'failed')).toEqual([]);
    expect(results.filter((r) => r.status === 'not applicable').map((r) => r.name)).toEqual([
      expect.stringContaining('ttl'),
      expect.stringContaining('corrupted'),
      expect.stringContaining('holds events'),
      expect.stringContaining('releases held events'),
    ]);
    const holding = await runSessionStoreConformance(() => new MemorySessionStore(), { supportsTtl: false, holdsEvents: true });
    expect(holding.filter((r) => r.status !== 'passed').map((r) => r.name)).toEqual([
      expect.stringContaining('ttl'),
      expect.stringContaining('corrupted'),
    ]);
  });

  it('fails a driver that aliases records and overwrites without fencing, and never throws itself', async () => {
    const results = await runSessionStoreConformance(() => new CarelessStore(), { supportsTtl: false });
    const failed = results.filter((r) => r.status === 'failed').map((r) => r.name);
    expect(failed).toEqual(
      expect.arrayContaining([
        'hands out copies: changing a written or read record does not change the stored one',
        'accepts a first write only when it expects version 0',
        'refuses a write based on a stale version and keeps the stored record',
        'lets exactly one of 16 concurrent writers based on the same version win',
      ]),
    );
    expect(results.find((r) => r.status === 'failed')?.error).toMatchObject({ name: 'AssertionError' });
  });

  it('closes and cleans up every store it made, even when a check fails', async () => {
    const made: SessionStore[] = [];
    const cleaned: SessionStore[] = [];
    await runSessionStoreConformance(
      () => {
        const store = new CarelessStore();
        made.push(store);
        return store;
      },
      { supportsTtl: false, cleanup: async (store) => void cleaned.push(store) },
    );
    expect(cleaned).toEqual(made);
    expect(made.length).toBeGreaterThan(5);
  });
});

describe('sessionStoreConformanceChecks', () => {
  it('names every check as a specification, each once', () => {
    const names = sessionStoreConformanceChecks(() => new MemorySessionStore()).map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[a-z]/);
  });
});
