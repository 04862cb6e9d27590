// The settings bench/slack.mjs passes to a Slack target, from the environment.
'use strict';

function settings() {
  const need = (name) => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is not set (Slack targets are started by bench/slack.mjs)`);
    return value;
  };
  return {
    origin: need('BENCH_SLACK_ORIGIN'),
    signingSecret: need('BENCH_SIGNING_SECRET'),
    accessToken: need('BENCH_ACCESS_TOKEN'),
    path: need('BENCH_WEBHOOK_PATH'),
  };
}

module.exports = { settings };
