/** Set in the environment of the bot process `bottender dev` runs and restarts. */
export const DEV_CHILD_ENV = 'BOTTENDER_DEV_CHILD';

/** What the bot process tells `bottender dev` over the IPC channel. */
export type DevMessage =
  | {
      type: 'ignore';
      /** Absolute paths whose changes are the bot's own writes (the file driver's folder). */
      paths: string[];
    }
  /** The browser dev console's address, so every reload serves it at the same port. */
  | { type: 'dev-console'; url: string; port: number };

/** Sends a message to the `bottender dev` parent, if there is one; never keeps the process alive. */
export function tellDevParent(message: DevMessage): void {
  if (typeof process.send !== 'function') return;
  process.send(message);
  process.channel?.unref();
}

/** Narrows an IPC message to a {@link DevMessage}. */
export function isDevMessage(value: unknown): value is DevMessage {
  const message = value as DevMessage | null;
  if (typeof message !== 'object' || message === null) return false;
  if (message.type === 'dev-console') return typeof message.url === 'string' && Number.isInteger(message.port);
  return message.type === 'ignore' && Array.isArray(message.paths) && message.paths.every((p) => typeof p === 'string');
}
