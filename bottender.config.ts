import { defineConfig } from 'bottender';

/**
 * The repository's own bot: `npm start` chats with the counter example in the terminal. Setting
 * LINE_CHANNEL_SECRET and LINE_ACCESS_TOKEN (in the environment or .env) also serves it on LINE
 * with `npx bottender start`.
 */
export default defineConfig({
  app: './examples/counter/index.ts',
  initialState: { count: 0 },
  session: { driver: 'memory' },
  channels: {
    line: {
      enabled: Boolean(process.env.LINE_CHANNEL_SECRET),
      path: '/webhooks/line',
      accessToken: process.env.LINE_ACCESS_TOKEN,
      channelSecret: process.env.LINE_CHANNEL_SECRET,
    },
  },
});
