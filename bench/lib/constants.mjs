// Values every bench process agrees on. Fake credentials: nothing here reaches LINE.
export const CHANNEL_SECRET = 'bench-channel-secret-0123456789ab';
export const ACCESS_TOKEN = 'bench-access-token';
export const WEBHOOK_PATH = '/webhooks/line';

/** The environment of a LINE target (what targets/lifecycle.cjs reads): the fake API on `apiPort`, the store `store`. */
export function lineTargetEnv(apiPort, store) {
  return {
    NODE_ENV: 'production',
    BENCH_LINE_ORIGIN: `http://127.0.0.1:${apiPort}`,
    BENCH_CHANNEL_SECRET: CHANNEL_SECRET,
    BENCH_ACCESS_TOKEN: ACCESS_TOKEN,
    BENCH_WEBHOOK_PATH: WEBHOOK_PATH,
    BENCH_STORE: store,
  };
}
