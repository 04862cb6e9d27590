/**
 * `@bottender/dev-console`: the browser dev console of `bottender dev`. Chat as any user, group
 * or channel of the enabled platforms, see the answers rendered, the session's state change, the
 * store's sessions and every event's outcome. See docs/dev-console.md.
 */
export { startDevConsole } from './dev-console';
export type { DevConsole, DevConsoleOptions } from './dev-console';
export type { LogEntry, LogOutcome, LoggedError } from './log/event-log';
export type { ChannelOptions, PackageLoader } from './platforms/registry';
export type { InputKind, PlatformDescription, SourceKind } from './platforms/types';
export { diffState } from './sessions/state-diff';
export type { StateChange, StatePath } from './sessions/state-diff';
export type { SessionView } from './sessions/session-view';
export { DEV_CONSOLE_ENV, startForBottenderDev } from './bottender-dev';
export type { BottenderAppLike } from './bottender-dev';
