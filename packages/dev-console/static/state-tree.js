// The chosen session's state as a tree: the change of the last event highlighted, each value
// editable (as JSON) and deletable, keys addable, and a reset to initialState. Edits go through
// the store under the session's lock, based on the version shown.
import { useState } from 'preact/hooks';

import { api, formatDateTime } from './api.js';
import { html } from './html.js';

const keyOf = (path) => JSON.stringify(path);

export function StatePanel({ session, onError }) {
  if (!session) return html`<section class="panel state"><h2>State</h2><p class="muted">Pick a conversation to see its state.</p></section>`;
  const changed = new Map(session.changes.map((c) => [keyOf(c.path), c.kind]));
  const removed = session.changes.filter((c) => c.kind === 'removed');
  const edit = async (body) => {
    try {
      await api('POST', 'edit', { id: session.id, expectedVersion: session.version, ...body });
    } catch (error) {
      onError(error.message);
    }
  };
  return html`<section class="panel state" data-session=${session.id}>
    <h2>State <span class="muted small">${session.label ?? ''}</span></h2>
    <div class="meta">
      <span title=${session.id} class="session-id">${session.id}</span>
      <span>version <b data-testid="version">${session.version}</b></span>
      <span>last activity ${formatDateTime(session.lastActivity)}</span>
      <span>${session.live ? (session.expiresAt ? `expires ${formatDateTime(session.expiresAt)}` : 'never expires') : 'no live session: the next event starts from initialState'}</span>
    </div>
    <div class="tree" data-testid="state-tree">
      <${Node} value=${session.state} path=${[]} changed=${changed} edit=${edit} root=${true} />
    </div>
    ${removed.length > 0
      ? html`<div class="removed">removed: ${removed.map((c) => html`<code class="change-removed">${c.path.join('.')}</code> `)}</div>`
      : null}
    <div class="row">
      <${AddKey} edit=${edit} />
      <button class="danger" data-testid="reset" onClick=${() => edit({ op: 'reset' })}>Reset to initialState</button>
    </div>
  </section>`;
}

function Node({ value, path, changed, edit, root }) {
  const mark = changed.get(keyOf(path));
  if (typeof value === 'object' && value !== null) {
    const entries = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
    return html`<div class=${`branch ${mark ? `change-${mark}` : ''}`}>
      ${entries.length === 0 ? html`<span class="muted">${Array.isArray(value) ? '[]' : '{}'}</span>` : null}
      ${entries.map(
        ([key, child]) => html`<div class="entry" key=${key}>
          <span class="key">${key}</span>
          ${typeof child === 'object' && child !== null
            ? html`<span class="muted">${Array.isArray(child) ? `[${child.length}]` : ''}</span>
                <button class="icon" title="delete" onClick=${() => edit({ op: 'delete', path: [...path, key] })}>×</button>
                <${Node} value=${child} path=${[...path, key]} changed=${changed} edit=${edit} />`
            : html`<${Leaf} value=${child} path=${[...path, key]} mark=${changed.get(keyOf([...path, key]))} edit=${edit} />`}
        </div>`,
      )}
    </div>`;
  }
  return root ? html`<${Leaf} value=${value} path=${path} mark=${mark} edit=${edit} />` : null;
}

function Leaf({ value, path, mark, edit }) {
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState('');
  const name = path.join('.');
  if (editing) {
    const save = () => {
      let parsed;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text; // Not JSON: taken as a string, as typed.
      }
      setEditing(false);
      edit({ op: 'set', path, value: parsed });
    };
    return html`<span class="leaf editing">
      <input data-testid=${`edit-${name}`} value=${text} onInput=${(e) => setText(e.target.value)}
        onKeyDown=${(e) => (e.key === 'Enter' ? save() : e.key === 'Escape' ? setEditing(false) : null)} autofocus />
      <button onClick=${save}>save</button>
    </span>`;
  }
  return html`<span class="leaf">
    <span class=${`value ${typeof value} ${mark ? `change-${mark}` : ''}`} data-path=${name}
      title="click to edit" onClick=${() => { setText(JSON.stringify(value)); setEditing(true); }}>${JSON.stringify(value)}</span>
    <button class="icon" title="delete" onClick=${() => edit({ op: 'delete', path })}>×</button>
  </span>`;
}

function AddKey({ edit }) {
  const [key, setKey] = useState('');
  const [text, setText] = useState('');
  const add = () => {
    if (!key) return;
    let value;
    try {
      value = JSON.parse(text);
    } catch {
      value = text;
    }
    edit({ op: 'set', path: [key], value });
    setKey('');
    setText('');
  };
  return html`<span class="add-key">
    <input placeholder="new key" value=${key} onInput=${(e) => setKey(e.target.value)} />
    <input placeholder="JSON value" value=${text} onInput=${(e) => setText(e.target.value)} onKeyDown=${(e) => e.key === 'Enter' && add()} />
    <button onClick=${add}>add</button>
  </span>`;
}
