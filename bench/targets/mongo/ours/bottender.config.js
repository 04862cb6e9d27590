// The counter bot on @bottender/mongo, for bench/mongo.mjs (which sets BENCH_MONGO_URL to its
// MongoDB-wire-compatible test server). Bottender 1.x's config shape, as in targets/ours.
'use strict';

module.exports = {
  initialState: { count: 0 },
  session: {
    driver: 'mongo',
    stores: {
      // The test server needs the driver's polling monitor (see packages/mongo/test-server): a
      // bench/test set-up detail, never a default of the driver.
      mongo: { url: `${process.env.BENCH_MONGO_URL}?serverMonitoringMode=poll`, collectionName: 'sessions' },
    },
  },
  channels: {
    line: {
      enabled: true,
      path: process.env.BENCH_WEBHOOK_PATH,
      accessToken: process.env.BENCH_ACCESS_TOKEN,
      channelSecret: process.env.BENCH_CHANNEL_SECRET,
      origin: process.env.BENCH_LINE_ORIGIN,
    },
  },
};
