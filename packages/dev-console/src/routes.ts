import { type SessionStore, SessionStoreError } from 'bottender';

import { ApiError, type ApiRoute } from './http/server';
import type { EventLog } from './log/event-log';
import type { DevPlatform, InputSelection, SourceSelection } from './platforms/types';
import { MAX_BURST, type Sender, type SendMode } from './sender';
import { type SessionEditor, StaleEditError, type StateEdit } from './sessions/session-edits';
import { CursorGoneError, type SessionPages } from './sessions/session-pages';
import type { SessionOrigin, SessionView, SessionViews } from './sessions/session-view';
import { parsePath } from './sessions/state-diff';

export interface RouteDeps {
  platforms: DevPlatform[];
  sender: Sender;
  log: EventLog;
  labels: Map<string, SessionOrigin>;
  views: SessionViews;
  editor: SessionEditor;
  pages: SessionPages;
  store: SessionStore;
  info: () => unknown;
  touchSession: (sessionId: string) => Promise<SessionView | undefined>;
}

/** The page's API: `GET info`, `POST send`, `GET sessions`, `GET session`, `POST edit`, `GET log`. */
export function createRoutes(deps: RouteDeps): Record<string, ApiRoute> {
  const platformNamed = (name: unknown): DevPlatform => {
    const platform = deps.platforms.find((p) => p.description.name === name);
    if (!platform) throw new ApiError(400, `no platform ${JSON.stringify(name)} here: ${deps.platforms.map((p) => p.description.name).join(', ')}`);
    return platform;
  };

  return {
    'GET info': async () => ({ status: 200, body: deps.info() }),

    'POST send': async (_query, body) => {
      const request = object(body, 'the body');
      const platform = platformNamed(request.platform);
      const source = sourceOf(request.source);
      const input = inputOf(request.input);
      const mode = modeOf(request.mode);
      let sessionId: string;
      try {
        sessionId = platform.sessionIdOf(source);
      } catch (error) {
        throw new ApiError(400, (error as Error).message);
      }
      deps.labels.set(sessionId, { platform: platform.description.name, source, label: labelOf(source) });
      try {
        const entries = await deps.sender.send(platform, source, input, mode);
        return { status: 200, body: { sessionId, entries } };
      } catch (error) {
        if (error instanceof RangeError || error instanceof TypeError) throw new ApiError(400, error.message);
        throw error;
      }
    },

    'GET sessions': async (query) => {
      try {
        const page = await deps.pages.page(query.get('q') ?? '', query.get('cursor') ?? undefined, Number(query.get('limit') ?? 50) || 50);
        return { status: 200, body: { ...page, items: page.items.map((item) => ({ ...item, label: deps.labels.get(item.id)?.label })) } };
      } catch (error) {
        if (error instanceof CursorGoneError) throw new ApiError(410, error.message);
        throw storeProblem(error);
      }
    },

    'POST resolve': async (_query, body) => {
      const request = object(body, 'the body');
      const platform = platformNamed(request.platform);
      const source = sourceOf(request.source);
      let sessionId: string;
      try {
        sessionId = platform.sessionIdOf(source);
      } catch (error) {
        throw new ApiError(400, (error as Error).message);
      }
      deps.labels.set(sessionId, { platform: platform.description.name, source, label: labelOf(source) });
      try {
        return { status: 200, body: deps.views.view(sessionId, await deps.store.read(sessionId)) };
      } catch (error) {
        throw storeProblem(error);
      }
    },

    'GET session': async (query) => {
      const id = query.get('id');
      if (!id) throw new ApiError(400, 'id is required');
      try {
        return { status: 200, body: deps.views.view(id, await deps.store.read(id)) };
      } catch (error) {
        throw storeProblem(error);
      }
    },

    'POST edit': async (_query, body) => {
      const request = object(body, 'the body');
      if (typeof request.id !== 'string' || request.id === '') throw new ApiError(400, 'id is required');
      const expectedVersion = request.expectedVersion;
      if (!Number.isSafeInteger(expectedVersion) || (expectedVersion as number) < 0) throw new ApiError(400, 'expectedVersion must be the version shown');
      let edit: StateEdit;
      try {
        edit =
          request.op === 'reset'
            ? { op: 'reset' }
            : request.op === 'delete'
              ? { op: 'delete', path: parsePath(request.path) }
              : request.op === 'set'
                ? { op: 'set', path: parsePath(request.path), value: jsonValue(request.value) }
                : invalid('op must be set, delete or reset');
      } catch (error) {
        throw new ApiError(400, (error as Error).message);
      }
      try {
        await deps.editor.apply(request.id, edit, expectedVersion as number);
      } catch (error) {
        if (error instanceof StaleEditError) throw new ApiError(409, error.message);
        if (error instanceof TypeError || error instanceof RangeError) throw new ApiError(400, error.message);
        throw storeProblem(error);
      }
      const view = await deps.touchSession(request.id);
      if (!view) throw new ApiError(503, 'the edit was saved, but the session could not be read back');
      return { status: 200, body: view };
    },

    'GET log': async (query) => ({ status: 200, body: deps.log.entries(query.get('session') ?? undefined) }),
  };
}

function object(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ApiError(400, `${what} must be an object`);
  return value as Record<string, unknown>;
}

function text(value: unknown, what: string, max = 5000): string {
  if (typeof value !== 'string' || value.length > max) throw new ApiError(400, `${what} must be a string of at most ${max} characters`);
  return value;
}

function sourceOf(value: unknown): SourceSelection {
  const source = object(value, 'source');
  return {
    kind: text(source.kind, 'source.kind', 20),
    user: text(source.user, 'source.user', 64),
    conversation: source.conversation === undefined || source.conversation === '' ? undefined : text(source.conversation, 'source.conversation', 64),
  };
}

function inputOf(value: unknown): InputSelection {
  const input = object(value, 'input');
  const values: Record<string, string> = {};
  for (const [key, v] of Object.entries(object(input.values ?? {}, 'input.values'))) values[key] = text(v, `input.values.${key}`);
  return { kind: text(input.kind, 'input.kind', 20), values };
}

function modeOf(value: unknown): SendMode {
  if (value === undefined || value === 'once') return { kind: 'once' };
  if (value === 'twice') return { kind: 'twice' };
  if (value === 'bad-signature') return { kind: 'bad-signature' };
  const mode = object(value, 'mode');
  const count = mode.count;
  if (mode.kind !== 'burst' || !Number.isSafeInteger(count) || (count as number) < 1 || (count as number) > MAX_BURST) {
    throw new ApiError(400, `mode must be "once", "twice", "bad-signature" or { kind: "burst", count: 1..${MAX_BURST} }`);
  }
  return { kind: 'burst', count: count as number };
}

function labelOf(source: SourceSelection): string {
  return source.kind === 'user' || source.kind === 'private' ? source.user : `${source.kind} ${source.conversation ?? ''}`.trim();
}

function jsonValue(value: unknown): unknown {
  if (value === undefined) throw new TypeError('value is required (JSON)');
  return value;
}

function invalid(message: string): never {
  throw new TypeError(message);
}

function storeProblem(error: unknown): unknown {
  if (error instanceof SessionStoreError) return new ApiError(503, `the session store failed: ${error.message}`);
  return error;
}
