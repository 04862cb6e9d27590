// Values every bench process agrees on. Fake credentials: nothing here reaches LINE.
export const CHANNEL_SECRET = 'bench-channel-secret-0123456789ab';
export const ACCESS_TOKEN = 'bench-access-token';
export const WEBHOOK_PATH = '/webhooks/line';
