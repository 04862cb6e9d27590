/**
 * Enables LINE at /webhooks/line. Set LINE_ACCESS_TOKEN and LINE_CHANNEL_SECRET (in `.env` or the
 * environment) to the channel access token and channel secret from the LINE Developers console.
 */
export default {
  channels: {
    line: {
      enabled: true,
      path: '/webhooks/line',
      accessToken: process.env.LINE_ACCESS_TOKEN,
      channelSecret: process.env.LINE_CHANNEL_SECRET,
    },
  },
};
