// Bottender 1.x configuration for Slack, read from the working directory. The bench sets the variables.
'use strict';

module.exports = {
  initialState: { count: 0 },
  session: { driver: 'memory', stores: { memory: { maxSize: 500 } } },
  channels: {
    slack: {
      enabled: true,
      path: process.env.BENCH_WEBHOOK_PATH,
      accessToken: process.env.BENCH_ACCESS_TOKEN,
      signingSecret: process.env.BENCH_SIGNING_SECRET,
      sync: process.env.BENCH_BOTTENDER_SYNC === 'true',
      // SlackConnector hands `origin` to messaging-api-slack's client: `<origin>/api/` is its base URL.
      origin: process.env.BENCH_SLACK_ORIGIN,
    },
  },
};
