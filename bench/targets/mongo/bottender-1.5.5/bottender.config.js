// Bottender 1.5.5 on its own mongo driver (MongoSessionStore, mongodb 3.x), for bench/mongo.mjs.
// Read from the working directory by targets/bottender-1.5.5/server.cjs.
'use strict';

module.exports = {
  initialState: { count: 0 },
  session: {
    driver: 'mongo',
    stores: {
      mongo: { url: process.env.BENCH_MONGO_URL, collectionName: 'sessions' },
    },
  },
  channels: {
    line: {
      enabled: true,
      path: process.env.BENCH_WEBHOOK_PATH,
      accessToken: process.env.BENCH_ACCESS_TOKEN,
      channelSecret: process.env.BENCH_CHANNEL_SECRET,
      sync: process.env.BENCH_BOTTENDER_SYNC === 'true',
      origin: process.env.BENCH_LINE_ORIGIN,
    },
  },
};
