import type { TelegramContext } from '@bottender/telegram';

/** The state of one chat: a private chat, a group, a supergroup (all its topics) or a channel. */
export interface CounterState {
  count?: number;
}

/**
 * Counts the messages of each chat and answers with the count, in the forum topic the message
 * came from. Every chat has its own state, so each counts on its own; the count is saved before
 * the answer goes out. `/reset` starts the chat's count again.
 */
export default async function App(context: TelegramContext<CounterState>): Promise<void> {
  if (!context.event.isText) return;
  if (context.event.command?.name === 'reset') {
    context.resetState();
    await context.sendText('Count reset');
    return;
  }
  const count = (context.state.count ?? 0) + 1;
  context.setState({ count });
  await context.sendText(`Count: ${count}`);
}
