import { Bot, type SessionStore, silentLogger } from 'bottender';
import { TestConnector, TestEvent } from 'bottender/testing';

/**
 * What one event costs a driver, in the same three runs for every driver: events one at a time,
 * a duplicate and a failing handler, and a hundred events at once. How the cost is counted (the
 * client's commands, the server's statistics, the wire's round trips) is the calling test's
 * {@link Measure}; what each run costs is for the calling test to assert.
 */

/** Runs `run` and returns what it cost, as the calling test counts it. */
export type Measure<C> = (run: () => Promise<unknown>) => Promise<C>;

/** A bot on `store` that counts its handler's runs in `runs`; an event with text `fail` makes the handler throw. */
export function countingBot(store: SessionStore, expiresIn?: number) {
  const runs: string[] = [];
  const bot = new Bot({
    store,
    expiresIn,
    logger: silentLogger,
    app: async (context) => {
      if (context.event.text === 'fail') throw new Error('handler failed on purpose');
      runs.push(context.event.text ?? '');
      context.setState({ count: (context.state.count ?? 0) + 1 });
    },
  });
  return { bot, runs, connector: new TestConnector() };
}

/** A test-platform event of session `test:<user>`. */
export const event = (user: string, id: string, text = 'hi') => new TestEvent({ user, id, text });

/** `count` events `e0`, `e1`, ... spread in turn over the sessions of users `u0` .. `u<sessions - 1>`. */
export const eventsOver = (sessions: number, count: number) => Array.from({ length: count }, (_, i) => event(`u${i % sessions}`, `e${i}`));

/**
 * 50 events over five sessions, handled one at a time after `init` (the first five open new
 * sessions): each is committed, and `u0`'s count ends at 10. Returns what each event cost.
 */
export async function costOfEachEvent<C>(store: SessionStore, measure: Measure<C>): Promise<C[]> {
  const { bot, connector } = countingBot(store);
  await bot.init();
  const perEvent: C[] = [];
  for (const each of eventsOver(5, 50)) {
    perEvent.push(await measure(async () => expect(await bot.handleEvent(connector, each)).toBe('committed')));
  }
  expect((await store.read('test:u0'))!.state.count).toBe(10);
  return perEvent;
}

/**
 * After one committed event (`e1`), a duplicate of it is answered `duplicate` and a failing
 * handler `handler-error`: the handler ran only for `e1` and the record is as `e1` left it.
 * Returns what the duplicate and the failure cost, in that order; `afterwards` runs, with the
 * bot, before the checks of the handler's runs and the record.
 */
export async function costOfDuplicateAndFailure<C>(
  store: SessionStore,
  measure: Measure<C>,
  afterwards: (bot: ReturnType<typeof countingBot>) => Promise<void> = async () => {},
): Promise<[duplicate: C, failure: C]> {
  const counting = countingBot(store);
  const { bot, connector, runs } = counting;
  await bot.handleEvent(connector, event('u', 'e1'));
  const duplicate = await measure(async () => expect(await bot.handleEvent(connector, event('u', 'e1'))).toBe('duplicate'));
  const failure = await measure(async () => expect(await bot.handleEvent(connector, event('u', 'e2', 'fail'))).toBe('handler-error'));
  await afterwards(counting);
  expect(runs).toEqual(['hi']);
  expect(await store.read('test:u')).toMatchObject({ version: 1, eventIds: ['e1'], state: { count: 1 } });
  return [duplicate, failure];
}

/**
 * 100 events over ten sessions, handed to the bot at once after `init`: `u3`'s count ends at 10.
 * Returns what the hundred cost together.
 */
export async function costOfAHundredEventsAtOnce<C>(store: SessionStore, measure: Measure<C>): Promise<C> {
  const { bot, connector } = countingBot(store);
  await bot.init();
  const cost = await measure(() => bot.handleEvents(connector, eventsOver(10, 100)));
  expect((await store.read('test:u3'))!.state.count).toBe(10);
  return cost;
}
