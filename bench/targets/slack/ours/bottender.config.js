// The counter bot's configuration for Slack, in Bottender 1.x's shape. bench/slack.mjs sets the variables.
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
      // The Web API (chat.postMessage) is the fake one.
      origin: process.env.BENCH_SLACK_ORIGIN,
    },
  },
};
