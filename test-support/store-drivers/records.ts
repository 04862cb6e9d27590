import type { SessionRecord } from 'bottender';

/** A well-formed record of session `id` at `version`. */
export function record(id: string, version: number, state: Record<string, unknown> = {}): SessionRecord {
  const colon = id.indexOf(':');
  return {
    id,
    platform: colon === -1 ? id : id.slice(0, colon),
    state,
    lastActivity: 1_700_000_000_000 + version,
    version,
    eventIds: [`e${version}`],
  };
}

/** Collects an async iterable. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
