// The settings bench/slack.mjs passes to a Slack target, from the environment.
'use strict';

const { requiredEnv } = require('../lifecycle.cjs');

function settings() {
  const need = requiredEnv('bench/slack.mjs');
  return {
    origin: need('BENCH_SLACK_ORIGIN'),
    signingSecret: need('BENCH_SIGNING_SECRET'),
    accessToken: need('BENCH_ACCESS_TOKEN'),
    path: need('BENCH_WEBHOOK_PATH'),
  };
}

module.exports = { settings };
