import type { Context } from 'bottender';

/** The conversation state: how many messages this session has sent. */
type State = { count: number };

/** Answers every message with the running count; the count is saved after each event. */
export default async function App(context: Context<State>): Promise<void> {
  const count = context.state.count + 1;
  context.setState({ count });
  await context.sendText(`Count: ${count}`);
}
