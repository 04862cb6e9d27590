import type { LineContext } from '@bottender/line';

/** The state of one conversation: a user's one-to-one chat, a group, or a room. */
export interface CounterState {
  count?: number;
}

/**
 * Counts the messages of each conversation and answers with the count. Every user, group and
 * room has its own state, so each counts on its own; the count is saved before the reply goes.
 */
export default async function App(context: LineContext<CounterState>): Promise<void> {
  if (!context.event.isMessage) return;
  const count = (context.state.count ?? 0) + 1;
  context.setState({ count });
  await context.sendText(`Count: ${count}`);
}
