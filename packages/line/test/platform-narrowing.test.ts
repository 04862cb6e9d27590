/**
 * Type-level test (checked by `npm run typecheck`; Jest runs the assertions too): installing
 * @bottender/line adds LineContext to `BotContext`, and `context.platform` narrows to it.
 */
import type { BotContext, ConsoleContext } from 'bottender';
import type { LineContext } from '@bottender/line';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(): T | void {}

async function handler(context: BotContext<{ count: number }>): Promise<string> {
  // @ts-expect-error replySticker is LINE's: not on every platform's context
  void context.replySticker;
  // Shared members need no narrowing, and the state is typed.
  const count: number = context.state.count;
  context.setState({ count: count + 1 });
  if (context.platform === 'line') {
    assertType<Equal<typeof context, LineContext<{ count: number }>>>();
    await context.replySticker({ packageId: '446', stickerId: '1988' });
    return 'line';
  }
  if (context.platform === 'console') {
    assertType<Equal<typeof context, ConsoleContext<{ count: number }>>>();
    return 'console';
  }
  return 'another platform';
}

it('narrows BotContext by context.platform (checked by the type checker)', () => {
  assertType<Equal<BotContext['platform'], 'console' | 'line' | Exclude<BotContext['platform'], 'console' | 'line'>>>();
  expect(typeof handler).toBe('function');
});
