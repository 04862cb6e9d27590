// The settings bench/telegram.mjs passes to a Telegram target.
'use strict';

function settings() {
  const need = (name) => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is not set (targets are started by bench/telegram.mjs)`);
    return value;
  };
  return {
    origin: need('BENCH_TELEGRAM_ORIGIN'),
    token: need('BENCH_ACCESS_TOKEN'),
    secretToken: need('BENCH_SECRET_TOKEN'),
    path: need('BENCH_WEBHOOK_PATH'),
  };
}

module.exports = { settings };
