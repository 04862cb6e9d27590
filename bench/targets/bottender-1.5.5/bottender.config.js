// Bottender 1.x configuration, read from the working directory. The bench sets the variables.
'use strict';

const redis = process.env.BENCH_STORE === 'redis';

module.exports = {
  initialState: { count: 0 },
  session: {
    driver: redis ? 'redis' : 'memory',
    stores: {
      memory: { maxSize: 500 },
      redis: { host: '127.0.0.1', port: Number(process.env.BENCH_REDIS_PORT || 6379) },
    },
  },
  channels: {
    line: {
      enabled: true,
      path: process.env.BENCH_WEBHOOK_PATH,
      accessToken: process.env.BENCH_ACCESS_TOKEN,
      channelSecret: process.env.BENCH_CHANNEL_SECRET,
      sync: process.env.BENCH_BOTTENDER_SYNC === 'true',
      // LineConnector hands `origin` to messaging-api-line's LineClient, whose axios base URL it
      // becomes: replies go to the fake API instead of api.line.me.
      origin: process.env.BENCH_LINE_ORIGIN,
    },
  },
};
