/**
 * The platform types a Bottender 1.x TypeScript bot imports from `bottender`
 * (`import { LineContext } from 'bottender'`), re-exported as types only: nothing here is loaded
 * at run time, so `bottender` never depends on a platform package. When a platform package is not
 * installed its types are `any` (the import below is left unresolved on purpose); install the
 * package to get them checked. Importing `bottender` this way also loads each installed
 * platform's `PlatformContexts` entry, so `BotContext` covers it.
 */
/** @ts-ignore optional: resolved only when @bottender/line is installed (kept in the emitted .d.ts) */
export type { LineContext, LineEvent } from '@bottender/line';
/** @ts-ignore optional: resolved only when @bottender/telegram is installed (kept in the emitted .d.ts) */
export type { TelegramContext, TelegramEvent } from '@bottender/telegram';
/** @ts-ignore optional: resolved only when @bottender/slack is installed (kept in the emitted .d.ts) */
export type { SlackContext, SlackEvent } from '@bottender/slack';
