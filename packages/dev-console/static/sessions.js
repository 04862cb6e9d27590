// The store's sessions, searchable by id and paged: each page is streamed from the store's
// list() by the server, so a store of 100,000 sessions never has to be read whole.
import { useEffect, useRef, useState } from 'preact/hooks';

import { api, formatTime } from './api.js';
import { html } from './html.js';

export function SessionsPanel({ selected, onSelect, refreshKey, store }) {
  const [query, setQuery] = useState('');
  const [items, setItems] = useState([]);
  const [cursor, setCursor] = useState(null);
  const [scanned, setScanned] = useState(0);
  const [error, setError] = useState('');
  const [loading, setLoading] = useState(false);
  const generation = useRef(0);

  const load = async (q, from) => {
    const mine = from ? generation.current : ++generation.current;
    setLoading(true);
    try {
      const page = await api('GET', `sessions?q=${encodeURIComponent(q)}${from ? `&cursor=${encodeURIComponent(from)}` : ''}`);
      if (mine !== generation.current) return;
      setItems((old) => (from ? [...old, ...page.items] : page.items));
      setCursor(page.cursor);
      setScanned((old) => (from ? old + page.scanned : page.scanned));
      setError('');
    } catch (e) {
      if (mine === generation.current) setError(e.message);
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  };

  useEffect(() => {
    const timer = setTimeout(() => load(query), 150);
    return () => clearTimeout(timer);
  }, [query, refreshKey]);

  return html`<section class="panel sessions">
    <h2>Sessions <span class="muted small">${store}</span></h2>
    <input type="search" placeholder="search by id" data-testid="session-search" value=${query} onInput=${(e) => setQuery(e.target.value)} />
    ${error ? html`<div class="error">${error}</div>` : null}
    <ul class="session-list" data-testid="session-list">
      ${items.map(
        (s) => html`<li key=${s.id} class=${s.id === selected ? 'selected' : ''} onClick=${() => onSelect(s.id)} title=${s.id}>
          <div class="session-name">${s.label ?? s.id}</div>
          <div class="muted small">${s.label ? html`<span class="mono">${s.id}</span> · ` : null}v${s.version} · ${formatTime(s.lastActivity)}</div>
        </li>`,
      )}
    </ul>
    <div class="muted small" data-testid="session-count">
      ${items.length} shown${cursor ? ` · ${scanned} looked at, more to come` : ` · all ${scanned} looked at`}
    </div>
    ${cursor ? html`<button data-testid="more-sessions" disabled=${loading} onClick=${() => load(query, cursor)}>more</button>` : null}
  </section>`;
}
