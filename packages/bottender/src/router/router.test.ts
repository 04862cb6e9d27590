import { runAction } from '../runtime/action';
import { payload, route, router, text } from './router';

function contextFor(event: Partial<{ isText: boolean; text: string; isPayload: boolean; payload: string }>) {
  const said: string[] = [];
  return {
    said,
    event: { isText: false, isPayload: false, ...event },
    sendText: async (t: string) => {
      said.push(t);
    },
  } as any;
}

describe('router', () => {
  const app = router([
    text('hi', async (c) => c.sendText('hello')),
    text(['bye', 'ciao'], async (c) => c.sendText('goodbye')),
    text(/^order (\d+)$/, async (c, props) => c.sendText(`order #${props.match![1]}`)),
    payload('GET_STARTED', async (c) => c.sendText('welcome')),
    route('*', async (c) => c.sendText('what?')),
  ]);

  it.each([
    [{ isText: true, text: 'hi' }, 'hello'],
    [{ isText: true, text: 'ciao' }, 'goodbye'],
    [{ isText: true, text: 'order 42' }, 'order #42'],
    [{ isPayload: true, payload: 'GET_STARTED' }, 'welcome'],
    [{ isText: true, text: 'anything else' }, 'what?'],
    [{}, 'what?'],
  ])('routes %j to the first matching action', async (event, reply) => {
    const context = contextFor(event);
    await runAction(app, context);
    expect(context.said).toEqual([reply]);
  });

  it('runs nothing when no route matches and there is no fallback', async () => {
    const context = contextFor({ isText: true, text: 'x' });
    await runAction(router([text('hi', async (c) => c.sendText('hello'))]), context);
    expect(context.said).toEqual([]);
  });
});

describe('action chaining', () => {
  it('runs each returned action in turn with the same context', async () => {
    const context = contextFor({});
    const Third = async (c: any) => c.sendText('third');
    const Second = async (c: any) => {
      await c.sendText('second');
      return Third;
    };
    await runAction(async (c: any) => {
      await c.sendText('first');
      return Second;
    }, context);
    expect(context.said).toEqual(['first', 'second', 'third']);
  });

  it('stops an endless chain with a clear error', async () => {
    const Loop: any = async () => Loop;
    await expect(runAction(Loop, contextFor({}))).rejects.toThrow(/action chain longer than 1000 steps/);
  });
});
