/** Set in the environment of the bot process `bottender dev` runs and restarts. */
export const DEV_CHILD_ENV = 'BOTTENDER_DEV_CHILD';

/** What the bot process tells `bottender dev` over the IPC channel. */
export interface DevMessage {
  type: 'ignore';
  /** Absolute paths whose changes are the bot's own writes (the file driver's folder). */
  paths: string[];
}

/** Sends a message to the `bottender dev` parent, if there is one; never keeps the process alive. */
export function tellDevParent(message: DevMessage): void {
  if (typeof process.send !== 'function') return;
  process.send(message);
  process.channel?.unref();
}

/** Narrows an IPC message to a {@link DevMessage}. */
export function isDevMessage(value: unknown): value is DevMessage {
  const message = value as DevMessage | null;
  return (
    typeof message === 'object' &&
    message !== null &&
    message.type === 'ignore' &&
    Array.isArray(message.paths) &&
    message.paths.every((p) => typeof p === 'string')
  );
}
