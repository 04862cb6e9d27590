import { TestConnector, TestContext, TestEvent } from '../testing/test-connector';
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

describe("context.session: Bottender 1.x's user, group, room and channel", () => {
  const info = { id: 'test:g1', platform: 'test', lastActivity: 5, isNew: false };

  class PartyContext extends TestContext {
    static asked = 0;
    constructor(
      private readonly parties: Record<string, unknown>,
      session: typeof info | null = info,
    ) {
      super({ platform: 'test', event: new TestEvent({ user: 'a', text: 'hi' }), session, state: session ? new StateCell({}, {}) : null }, []);
    }
    protected override sessionParties() {
      PartyContext.asked++;
      return this.parties as any;
    }
  }

  it('names the parties the event came from, as { id, _updatedAt }, next to the session fields', () => {
    const before = Date.now();
    const session = new PartyContext({ user: 'U1', group: 'G1' }).session!;
    expect(session).toMatchObject({ ...info, user: { id: 'U1' }, group: { id: 'G1' } });
    expect(session.room).toBeUndefined();
    expect(session.channel).toBeUndefined();
    expect(Date.parse(session.user!._updatedAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(session.user!._updatedAt).toBe(session.group!._updatedAt);
  });

  it('keeps ids of the type the platform gives (Telegram ids are numbers, as in 1.x)', () => {
    expect(new PartyContext({ user: 42, channel: -100 }).session).toMatchObject({ user: { id: 42 }, channel: { id: -100 } });
  });

  it('is read-only, as 1.x froze it', () => {
    const session = new PartyContext({ user: 'U1' }).session!;
    expect(Object.isFrozen(session) && Object.isFrozen(session.user)).toBe(true);
  });

  it('leaves out parties the event does not name, and gives the session as it is when it names none', () => {
    expect(new PartyContext({ user: undefined, group: '', room: null }).session).toBe(info);
    expect(new PartyContext({}).session).toBe(info);
  });

  it('is null for events that belong to no session, whoever sent them', () => {
    expect(new PartyContext({ user: 'U1' }, null).session).toBeNull();
  });

  it('costs nothing until read, and is built once', () => {
    PartyContext.asked = 0;
    const context = new PartyContext({ user: 'U1' });
    expect(PartyContext.asked).toBe(0);
    expect(context.session).toBe(context.session);
    expect(PartyContext.asked).toBe(1);
  });

  it('names no one on platforms that do not say who is there', () => {
    expect(contextFor('hi').session).toEqual({ id: 'test:a', platform: 'test', lastActivity: undefined, isNew: true });
  });
});
