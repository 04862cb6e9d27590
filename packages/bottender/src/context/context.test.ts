import { TestConnector, TestEvent } from '../testing/test-connector';
import { StateCell } from './state-cell';

function contextFor(text: string) {
  return new TestConnector().createContext({
    platform: 'test',
    event: new TestEvent({ user: 'a', text }),
    session: { id: 'test:a', platform: 'test', lastActivity: undefined, isNew: true },
    state: new StateCell({ count: 0 }, { count: 0 }),
  });
}

describe("Context: Bottender 1.x's helpers", () => {
  it('typing(ms) waits, and refuses what is not a duration', async () => {
    const context = contextFor('hi');
    const started = Date.now();
    await context.typing(30);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    await context.typing(0);
    await expect(context.typing(-1)).rejects.toThrow('context.typing() needs a number of milliseconds >= 0, got -1');
    await expect(context.typing('100' as any)).rejects.toThrow(TypeError);
  });

  it('keeps the intent and whether the event was handled, for analytics', () => {
    const context = contextFor('hi');
    expect([context.intent, context.isHandled]).toEqual([null, null]);
    context.setIntent('greeting');
    context.setAsHandled();
    expect([context.intent, context.isHandled]).toEqual(['greeting', true]);
    context.setAsNotHandled();
    expect(context.isHandled).toBe(false);
  });
});
