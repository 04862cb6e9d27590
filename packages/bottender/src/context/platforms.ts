import type { ConsoleContext } from '../console/connector';
import type { AnyState } from '../session/types';

/**
 * The context class of each platform, by the value of `context.platform`. Each platform package
 * adds its own by declaration merging, so a bot's handler type is the union of the platforms it
 * installed and `if (context.platform === 'line')` narrows to the LINE context:
 *
 * ```ts
 * declare module 'bottender' {
 *   interface PlatformContexts<State extends AnyState = AnyState> {
 *     line: LineContext<State>;
 *   }
 * }
 * ```
 *
 * The context class must declare its platform as a literal (`declare readonly platform: 'line'`).
 */
export interface PlatformContexts<State extends AnyState = AnyState> {
  console: ConsoleContext<State>;
}

/**
 * What a handler of a multi-platform bot receives: any installed platform's context, told apart
 * by `context.platform`.
 *
 * ```ts
 * export default async function App(context: BotContext<{ count: number }>) {
 *   if (context.platform === 'line') await context.replySticker({ packageId: '446', stickerId: '1988' });
 * }
 * ```
 */
export type BotContext<State extends AnyState = AnyState> = PlatformContexts<State>[keyof PlatformContexts<State>];
