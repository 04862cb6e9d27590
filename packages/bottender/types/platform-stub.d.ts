// Used only while building `bottender` itself (tsconfig.build.json maps the platform packages
// here): src/one-x/platform-types.ts re-exports their context types, and the platform packages
// are built after `bottender` (they depend on it), so the build must not read them. The emitted
// declarations keep the real module names; a bot's compiler resolves those.
export type LineContext<State = any> = any;
export type LineEvent = any;
export type TelegramContext<State = any> = any;
export type TelegramEvent = any;
export type SlackContext<State = any> = any;
export type SlackEvent = any;
