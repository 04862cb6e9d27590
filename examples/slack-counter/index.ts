import type { SlackContext } from '@bottender/slack';

/** The state of one channel (or DM). */
export interface CounterState {
  count?: number;
}

/**
 * Counts what each channel sends the bot (messages, `/count`, the "+1" button) and answers
 * with the count. Every channel and DM has its own count, saved before the answer goes out;
 * edits, deletions and the bot's own messages are not counted.
 */
export default async function App(context: SlackContext<CounterState>): Promise<void> {
  const { event } = context;
  if (!event.isMessage && !event.isCommand && event.payload !== 'plus_one') return;
  const count = (context.state.count ?? 0) + 1;
  context.setState({ count });
  await context.sendText(`Count: ${count}`, {
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `Count: *${count}*` } },
      { type: 'actions', elements: [{ type: 'button', action_id: 'count', value: 'plus_one', text: { type: 'plain_text', text: '+1' } }] },
    ],
  });
}
