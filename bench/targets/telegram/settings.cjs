// The settings bench/telegram.mjs passes to a Telegram target.
'use strict';

const { requiredEnv } = require('../lifecycle.cjs');

function settings() {
  const need = requiredEnv('bench/telegram.mjs');
  return {
    origin: need('BENCH_TELEGRAM_ORIGIN'),
    token: need('BENCH_ACCESS_TOKEN'),
    secretToken: need('BENCH_SECRET_TOKEN'),
    path: need('BENCH_WEBHOOK_PATH'),
  };
}

module.exports = { settings };
