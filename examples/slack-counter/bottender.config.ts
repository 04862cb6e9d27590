/**
 * Enables Slack at /webhooks/slack. Set SLACK_ACCESS_TOKEN (the bot token, xoxb-…) and
 * SLACK_SIGNING_SECRET in `.env` or the environment; with SLACK_APP_TOKEN (xapp-…) set too,
 * `npm run dev` receives over Socket Mode and needs no public URL.
 */
export default {
  channels: {
    slack: {
      enabled: true,
      path: '/webhooks/slack',
      accessToken: process.env.SLACK_ACCESS_TOKEN,
      signingSecret: process.env.SLACK_SIGNING_SECRET,
      appToken: process.env.SLACK_APP_TOKEN,
    },
  },
};
