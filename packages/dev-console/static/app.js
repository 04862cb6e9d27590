// The dev console page: wires the panels to the API and to the live event stream.
import { render } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';

import { api, connect, formatTime } from './api.js';
import { ChatPanel } from './chat.js';
import { EventLogPanel } from './event-log.js';
import { html } from './html.js';
import { SessionsPanel } from './sessions.js';
import { StatePanel } from './state-tree.js';

function App() {
  const [info, setInfo] = useState(null);
  const [connection, setConnection] = useState('connecting');
  const [reloads, setReloads] = useState([]);
  const [entries, setEntries] = useState(() => new Map());
  const [picker, setPicker] = useState({ platform: undefined, kind: undefined, user: 'alice', conversation: 'team' });
  const [session, setSession] = useState(null);
  const [refreshKey, setRefreshKey] = useState(0);
  const [errors, setErrors] = useState([]);
  const boot = useRef(null);
  const selected = useRef(null);
  const labels = useRef(new Map());

  const onError = (message) => {
    const id = Math.random();
    setErrors((old) => [...old, { id, message }]);
    setTimeout(() => setErrors((old) => old.filter((e) => e.id !== id)), 8000);
  };

  const upsert = (list) =>
    setEntries((old) => {
      const next = new Map(old);
      for (const entry of list) next.set(entry.id, entry);
      return next;
    });

  const showSession = (view) => {
    selected.current = view.id;
    if (view.label) labels.current.set(view.id, view.label);
    setSession(view);
  };

  // The event stream: the log, the chosen session's state, and reloads of the bot.
  useEffect(() => {
    let refreshTimer;
    const source = connect({
      hello: async (hello) => {
        setConnection('open');
        if (boot.current !== null && boot.current !== hello.bootId) {
          setReloads((old) => [...old, { at: Date.now(), reason: hello.reloadReason ?? 'the bot was restarted' }]);
        }
        boot.current = hello.bootId;
        setInfo(hello);
        upsert(await api('GET', 'log'));
        if (selected.current) showSession(await api('GET', `session?id=${encodeURIComponent(selected.current)}`));
        setRefreshKey((k) => k + 1);
      },
      log: (entry) => upsert([entry]),
      session: (view) => {
        if (view.id === selected.current) showSession(view);
        clearTimeout(refreshTimer);
        refreshTimer = setTimeout(() => setRefreshKey((k) => k + 1), 400);
      },
      error: () => setConnection('reconnecting'),
    });
    return () => source.close();
  }, []);

  // The conversation picked in the chat is the session shown.
  useEffect(() => {
    if (!info) return;
    const platform = info.platforms.find((p) => p.name === picker.platform) ?? info.platforms[0];
    const kind = platform.sources.find((s) => s.kind === picker.kind) ?? platform.sources[0];
    if (!picker.user) return;
    api('POST', 'resolve', {
      platform: platform.name,
      source: { kind: kind.kind, user: picker.user, conversation: kind.named ? picker.conversation : undefined },
    }).then(showSession, (error) => onError(error.message));
  }, [info?.bootId, picker.platform, picker.kind, picker.user, picker.conversation]);

  const selectSession = async (id) => {
    try {
      const view = await api('GET', `session?id=${encodeURIComponent(id)}`);
      showSession(view);
      if (view.origin) {
        setPicker({ ...picker, platform: view.origin.platform, kind: view.origin.source.kind, user: view.origin.source.user, conversation: view.origin.source.conversation ?? picker.conversation });
      }
    } catch (error) {
      onError(error.message);
    }
  };

  const all = useMemo(() => [...entries.values()].sort((a, b) => a.id - b.id), [entries]);
  for (const e of all) if (e.input && e.sessionId && !labels.current.has(e.sessionId)) labels.current.set(e.sessionId, labelOf(e.source));
  const chatEntries = useMemo(() => all.filter((e) => e.sessionId === session?.id), [all, session?.id]);

  if (!info) return html`<p class="loading">Connecting to the bot…</p>`;
  const last = reloads.at(-1);
  return html`<div class="layout">
    <header>
      <h1>Bottender dev console</h1>
      <span class=${`connection ${connection}`} data-testid="connection">${connection === 'open' ? 'connected' : connection === 'reconnecting' ? 'bot restarting: reconnecting…' : 'connecting…'}</span>
      ${last ? html`<span class="reloaded" data-testid="reloaded">Bot reloaded at ${formatTime(last.at)} (${last.reason}); page, log and state kept</span>` : null}
      <span class="muted small">store: ${info.store}${info.expiresIn ? ` · expiresIn ${info.expiresIn} min` : ''}</span>
      ${info.skipped.map((s) => html`<span class="muted small">${s.name}: ${s.reason}</span>`)}
    </header>
    <${SessionsPanel} selected=${session?.id} onSelect=${selectSession} refreshKey=${refreshKey} store=${info.store} />
    <${ChatPanel} info=${info} picker=${picker} setPicker=${setPicker} entries=${chatEntries} onError=${onError} />
    <div class="side">
      <${StatePanel} session=${session} onError=${onError} />
      <${EventLogPanel} entries=${all} labels=${(id) => labels.current.get(id)} onSelect=${selectSession} />
    </div>
    <div class="toasts">${errors.map((e) => html`<div class="toast error" key=${e.id}>${e.message}</div>`)}</div>
  </div>`;
}

function labelOf(source) {
  if (!source) return undefined;
  return source.kind === 'user' || source.kind === 'private' ? source.user : `${source.kind} ${source.conversation ?? ''}`.trim();
}

render(html`<${App} />`, document.getElementById('app'));
