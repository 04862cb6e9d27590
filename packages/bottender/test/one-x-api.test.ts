import { spawnSync } from 'node:child_process';
import path from 'node:path';

import { Bot, chain, getClient, LINE_NOTIFY_ENDED, LineNotify, MemorySessionStore, runAction, silentLogger, startBot, withProps } from 'bottender';
import type { ActionProps } from 'bottender';
import { TestConnector, TestEvent } from 'bottender/testing';

/** Bottender 1.x's API as 1.x bots use it: withProps, chain, getClient, and LineNotify's end. */

describe('withProps', () => {
  it('runs the action with the bound props, keeps its name, and freezes the props', async () => {
    const seen: unknown[] = [];
    async function SayHi(context: { tag: string }, props: { name: string }) {
      seen.push([context.tag, props.name]);
    }
    const props = { name: 'Ann' };
    const action = withProps(SayHi, props);
    expect(action.name).toBe('SayHi');
    await runAction(action, { tag: 'ctx' } as never, { other: 1 });
    expect(seen).toEqual([['ctx', 'Ann']]);
    expect(Object.isFrozen(props)).toBe(true);
  });

  it('names an anonymous action Anonymous and refuses a non-function', () => {
    expect(withProps(() => {}, {}).name).toBe('Anonymous');
    expect(() => withProps('Hi' as never, {})).toThrow(TypeError);
  });
});

describe('chain', () => {
  it('runs actions in order, each going on by returning props.next, with the runner props passed along', async () => {
    const order: string[] = [];
    const First = async (_c: unknown, props: ActionProps) => {
      order.push(`first:${String(props.who)}:${typeof props.next}`);
      return props.next;
    };
    const Second = async (_c: unknown, props: ActionProps) => {
      order.push(`second:${String(props.who)}:${typeof props.next}`);
      return props.next;
    };
    const Last = async (_c: unknown, props: ActionProps) => {
      order.push(`last:${String(props.who)}:${typeof props.next}`);
    };
    await runAction(chain([First, Second, Last]), {} as never, { who: 'Ann' });
    expect(order).toEqual(['first:Ann:function', 'second:Ann:function', 'last:Ann:undefined']);
  });

  it('stops where an action does not return next', async () => {
    const order: string[] = [];
    const Guard = async () => void order.push('guard');
    const App = async () => void order.push('app');
    await runAction(chain([Guard, App]), {} as never);
    expect(order).toEqual(['guard']);
  });

  it('refuses what is not a list of actions at once', () => {
    expect(() => chain('x' as never)).toThrow(TypeError);
    expect(() => chain([() => {}, 'x' as never])).toThrow('chain: every item must be an action (a function)');
  });

  it('works as a bot handler: state set in the chain is committed', async () => {
    const Count = async (context: any, props: ActionProps) => {
      context.setState({ count: (context.state.count ?? 0) + 1 });
      return props.next;
    };
    const Reply = async (context: any) => context.setState({ replied: true });
    const store = new MemorySessionStore();
    const bot = new Bot({ app: chain([Count, Reply]), store, logger: silentLogger });
    const connector = new TestConnector();
    expect(await bot.handleEvent(connector, new TestEvent({ user: 'u', id: 'e1' }))).toBe('committed');
    expect((await store.read('test:u'))?.state).toEqual({ count: 1, replied: true });
  });
});

describe('getClient', () => {
  class ConnectorWithClient extends TestConnector {
    readonly client = { token: 'secret', ping: function (this: { token: string }) { return `pong ${this.token}`; } };
  }

  it("gives the running bot's client of a channel, even when asked before the bot started", async () => {
    const early = getClient('test');
    expect(() => early.ping()).toThrow(/getClient\("test"\): no running bot has a test channel yet/);
    const bot = new Bot({ app: async () => {}, store: new MemorySessionStore(), logger: silentLogger });
    const running = await startBot({ bot, channels: [{ path: '/webhooks/test', connector: new ConnectorWithClient() }], logger: silentLogger });
    try {
      expect(early.ping()).toBe('pong secret'); // methods keep their client as `this`
      expect(getClient('test').token).toBe('secret');
      expect(() => getClient('line').pushMessage).toThrow(/no running bot has a line channel \(running: test\)/);
    } finally {
      await running.close();
    }
    expect(() => early.ping()).toThrow(/no running bot/);
  });

  it("gives a connector's 1.x-shaped client when it has one (Telegram's), for 1.x code calling 1.x's methods", async () => {
    class ConnectorWithOneXClient extends ConnectorWithClient {
      readonly oneXClient = { sendMessage: (chatId: number, text: string) => `sent ${text} to ${chatId}` };
    }
    const bot = new Bot({ app: async () => {}, store: new MemorySessionStore(), logger: silentLogger });
    const running = await startBot({ bot, channels: [{ path: '/webhooks/test', connector: new ConnectorWithOneXClient() }], logger: silentLogger });
    try {
      expect(getClient('test').sendMessage(42, 'hi')).toBe('sent hi to 42');
      expect(getClient('test').token).toBeUndefined();
    } finally {
      await running.close();
    }
  });
});

describe('LineNotify', () => {
  it('is importable, and any use fails saying LINE ended the service', () => {
    expect(LINE_NOTIFY_ENDED).toMatch(/LINE ended the LINE Notify service in 2025/);
    expect(() => new (LineNotify as any)({ clientId: 'x', clientSecret: 'y', redirectUri: 'z' })).toThrow(LINE_NOTIFY_ENDED);
    expect(() => (LineNotify as any).connect).toThrow(LINE_NOTIFY_ENDED);
  });
});

describe('a Bottender 1.x TypeScript bot', () => {
  it('compiles with the TypeScript of today (strict), importing its context types from bottender', () => {
    const fixture = path.join(__dirname, 'fixtures', 'one-x-typescript-bot');
    const tsc = require.resolve('typescript/bin/tsc');
    const result = spawnSync(process.execPath, [tsc, '-p', path.join(fixture, 'tsconfig.json'), '--noEmit'], { encoding: 'utf8', timeout: 120_000 });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  }, 150_000);
});
