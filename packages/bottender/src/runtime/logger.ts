/** Where the runtime reports what went wrong. Messages never contain unescaped request data. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string, error?: unknown): void;
}

/** Writes to stderr with a `[bottender]` prefix. */
export const consoleLogger: Logger = {
  info: (message) => console.error(`[bottender] ${message}`),
  warn: (message) => console.error(`[bottender] warning: ${message}`),
  error: (message, error) =>
    console.error(`[bottender] error: ${message}${error === undefined ? '' : `: ${describeError(error)}`}`),
};

/** A logger that drops everything; tests that assert on failures pass their own. */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

function describeError(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return JSON.stringify(error) ?? String(error);
}
