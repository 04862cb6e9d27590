// The counter bot's configuration, in Bottender 1.x's shape. bench/run.mjs sets the variables.
'use strict';

const redis = process.env.BENCH_STORE === 'redis';
const postgres = process.env.BENCH_STORE === 'postgres';

module.exports = {
  initialState: { count: 0 },
  session: {
    driver: redis ? 'redis' : postgres ? 'postgres' : 'memory',
    stores: {
      memory: { maxSize: 500 },
      redis: { host: '127.0.0.1', port: Number(process.env.BENCH_REDIS_PORT || 6379) },
      // S3P: a counted pg Pool on the bench's schema (bench/lib/postgres.mjs).
      ...(postgres ? { postgres: require('./postgres-store.cjs').postgresStoreOptions() } : {}),
    },
  },
  channels: {
    line: {
      enabled: true,
      path: process.env.BENCH_WEBHOOK_PATH,
      accessToken: process.env.BENCH_ACCESS_TOKEN,
      channelSecret: process.env.BENCH_CHANNEL_SECRET,
      // Replies and pushes go to the fake LINE API.
      origin: process.env.BENCH_LINE_ORIGIN,
    },
  },
};
