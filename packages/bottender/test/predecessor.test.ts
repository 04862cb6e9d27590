/**
 * A conversation that moves to a new session key (a Telegram group upgraded to a supergroup):
 * `predecessorKey(event)` names the old key, and the old record moves into the new session once.
 */
import { Bot, MemorySessionStore, type SessionRecord } from '../src';
import { TestConnector, type TestEvent, TestEvent as Event } from '../src/testing';
import { recordingLogger } from './support/bot';

/** The test platform, where an event's `payload` names the session key it continues. */
class MovingConnector extends TestConnector {
  predecessorKey(event: TestEvent): string | undefined {
    return event.rawEvent.payload;
  }
}

const counter = async (context: any) => {
  context.setState({ count: (context.state.count ?? 0) + 1, isNew: context.session.isNew });
};

function record(id: string, state: object): SessionRecord {
  return { id, platform: 'test', state, lastActivity: Date.now(), version: 3, eventIds: ['old-1'] };
}

it('moves the old record into the new session once, then deletes the old one', async () => {
  const store = new MemorySessionStore();
  await store.write(record('test:group', { count: 5 }), { expectedVersion: 0 });
  const bot = new Bot({ store, logger: recordingLogger(), app: counter });
  const dispatcher = bot.dispatcher(new MovingConnector());
  const [moved] = await dispatcher.dispatch([new Event({ user: 'supergroup', id: 'e1', payload: 'group' })]);
  expect(moved.outcome).toBe('handled');
  expect(await store.read('test:supergroup')).toMatchObject({ state: { count: 6, isNew: false }, version: 1, eventIds: ['old-1', 'e1'] });
  expect(await store.read('test:group')).toBeUndefined();
  // Later events naming the same predecessor find the new session alive: nothing moves again.
  await store.write(record('test:group', { count: 100 }), { expectedVersion: 0 });
  await dispatcher.dispatch([new Event({ user: 'supergroup', id: 'e2', payload: 'group' })]);
  expect((await store.read('test:supergroup'))?.state.count).toBe(7);
  expect((await store.read('test:group'))?.state.count).toBe(100);
  await bot.close();
});

it('starts from initialState when the predecessor has no live record either', async () => {
  const bot = new Bot({ store: new MemorySessionStore(), logger: recordingLogger(), app: counter });
  await bot.dispatcher(new MovingConnector()).dispatch([new Event({ user: 'new', id: 'e1', payload: 'gone' })]);
  expect((await bot.store.read('test:new'))?.state).toEqual({ count: 1, isNew: true });
});

it('two servers moving the same conversation at once: one moves it, the other is refused and then continues it', async () => {
  const store = new MemorySessionStore();
  await store.write(record('test:group', { count: 5 }), { expectedVersion: 0 });
  // Two bots on one store: two servers, each with its own in-process lanes.
  const [a, b] = [0, 1].map(() => new Bot({ store, logger: recordingLogger(), app: counter }));
  const connector = new MovingConnector();
  const outcomes = await Promise.all([
    a.dispatcher(connector).dispatch([new Event({ user: 'supergroup', id: 'e1', payload: 'group' })]),
    b.dispatcher(connector).dispatch([new Event({ user: 'supergroup', id: 'e2', payload: 'group' })]),
  ]);
  const kinds = outcomes.map(([d]) => d.outcome).sort();
  expect(kinds).toEqual(['handled', 'store-unavailable']);
  // The refused one is redelivered and continues the moved state: nothing forked, nothing lost.
  const refusedId = outcomes[0][0].outcome === 'handled' ? 'e2' : 'e1';
  await a.dispatcher(connector).dispatch([new Event({ user: 'supergroup', id: refusedId, payload: 'group' })]);
  expect((await store.read('test:supergroup'))?.state.count).toBe(7);
  expect(await store.read('test:group')).toBeUndefined();
});

it('takes both sessions in the same order whichever key sorts first', async () => {
  const store = new MemorySessionStore();
  await store.write(record('test:zeta', { count: 1 }), { expectedVersion: 0 });
  const bot = new Bot({ store, logger: recordingLogger(), app: counter });
  const dispatcher = bot.dispatcher(new MovingConnector());
  // An event of the old session and the moving event, racing in one process: no deadlock.
  const results = await Promise.all([
    dispatcher.dispatch([new Event({ user: 'zeta', id: 'z1' })]),
    dispatcher.dispatch([new Event({ user: 'alpha', id: 'a1', payload: 'zeta' })]),
    dispatcher.dispatch([new Event({ user: 'zeta', id: 'z2' })]),
  ]);
  expect(results.map(([d]) => d.outcome)).toEqual(['handled', 'handled', 'handled']);
  expect((await store.read('test:alpha'))?.state.count).toBe(3);
  expect((await store.read('test:zeta'))?.state.count).toBe(1); // z2 came after the move: a fresh old session
});
