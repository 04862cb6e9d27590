// The dev console's API. Every URL is relative to the page, which lives under /<token>/, so the
// token goes with each request without being handled here.

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export async function api(method, path, body) {
  const response = await fetch(`api/${path}`, {
    method,
    headers: body === undefined ? undefined : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = { error: text };
  }
  if (!response.ok) throw new ApiError(response.status, json?.error ?? `HTTP ${response.status}`);
  return json;
}

/** Server-sent events with the handlers given; the browser reconnects by itself. */
export function connect(handlers) {
  const source = new EventSource('api/events');
  for (const [type, handler] of Object.entries(handlers)) {
    if (type === 'open' || type === 'error') source.addEventListener(type, handler);
    else source.addEventListener(type, (event) => handler(JSON.parse(event.data)));
  }
  return source;
}

export const formatTime = (ms) => (ms === undefined || ms === null ? '—' : new Date(ms).toLocaleTimeString());
export const formatDateTime = (ms) => (ms === undefined || ms === null ? '—' : new Date(ms).toLocaleString());
