/**
 * Enables Telegram. `npm run dev` polls Telegram (no public URL needed); `npm start` serves the
 * webhook at /webhooks/telegram. Set TELEGRAM_ACCESS_TOKEN (the bot token from @BotFather) and,
 * for the webhook, TELEGRAM_SECRET_TOKEN, in `.env` or the environment.
 */
export default {
  channels: {
    telegram: {
      enabled: true,
      path: '/webhooks/telegram',
      accessToken: process.env.TELEGRAM_ACCESS_TOKEN,
      secretToken: process.env.TELEGRAM_SECRET_TOKEN,
    },
  },
};
