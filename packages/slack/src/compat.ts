/**
 * Bottender 1.x wrote Slack arguments in camelCase (`threadTs`, `privateMetadata`,
 * `responseType`) and its client turned them into Slack's snake_case. Slack's own argument and
 * Block Kit keys never contain capitals, so turning every capital into `_` + lower case is safe,
 * and lets a 1.x handler's calls run unchanged; snake_case arguments pass through as they are.
 */
export function snakeKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item) => snakeKeys(item)) as T;
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const snake = /[A-Z]/.test(key) ? key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`) : key;
    // defineProperty, not assignment: a key named __proto__ stays an ordinary key.
    Object.defineProperty(out, snake, { value: snakeKeys(item), enumerable: true, writable: true, configurable: true });
  }
  return out as T;
}

/**
 * A modal's `private_metadata` with the channel the modal belongs to, as Bottender 1.x kept it:
 * JSON `{ channelId, original }`. The view's submission and closing then come back to the
 * channel's session; `context.event.privateMetadata` gives `original` back.
 */
export function wrapMetadata(original: unknown, channelId: string | undefined): string {
  return JSON.stringify({ channelId, original: typeof original === 'string' ? original : undefined });
}
