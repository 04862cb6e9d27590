// Bottender 1.x configuration, read from the working directory. bench/telegram.mjs sets the variables.
'use strict';

module.exports = {
  initialState: { count: 0 },
  session: { driver: 'memory', stores: { memory: { maxSize: 500 } } },
  channels: {
    telegram: {
      enabled: true,
      path: process.env.BENCH_WEBHOOK_PATH,
      accessToken: process.env.BENCH_ACCESS_TOKEN,
      sync: process.env.BENCH_BOTTENDER_SYNC === 'true',
      // TelegramConnector hands `origin` to messaging-api-telegram's client, whose axios base URL
      // it becomes: sendMessage goes to the fake Bot API. 1.x has no secret-token check.
      origin: process.env.BENCH_TELEGRAM_ORIGIN,
    },
  },
};
