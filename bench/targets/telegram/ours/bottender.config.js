// The counter bot's configuration, in Bottender 1.x's shape plus the secret token. bench/telegram.mjs sets the variables.
'use strict';

module.exports = {
  initialState: { count: 0 },
  session: { driver: 'memory', stores: { memory: { maxSize: 500 } } },
  channels: {
    telegram: {
      enabled: true,
      path: process.env.BENCH_WEBHOOK_PATH,
      accessToken: process.env.BENCH_ACCESS_TOKEN,
      secretToken: process.env.BENCH_SECRET_TOKEN,
      // Bot API calls go to the fake Bot API.
      origin: process.env.BENCH_TELEGRAM_ORIGIN,
    },
  },
};
