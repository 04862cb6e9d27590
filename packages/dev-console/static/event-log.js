// What happened to each event: its session, outcome, the handler's time, its error with the
// stack, and the messages it sent. Newest first.
import { formatTime } from './api.js';
import { html } from './html.js';

export const OUTCOME_LABELS = {
  pending: 'in flight',
  handled: 'handled',
  duplicate: 'duplicate: not run again',
  'handler-error': 'rolled back: the handler threw',
  'no-session': 'handled without a session',
  deferred: 'acknowledged at the deadline, still running',
  'store-unavailable': '503: store unavailable',
  'lease-lost': 'lease lost: not saved',
  'timed-out': 'timed out: not saved',
  'earlier-refused': 'not run: an earlier event of this session was refused',
  refused: 'refused by the connector',
  failed: 'failed',
};

export function EventLogPanel({ entries, labels, onSelect }) {
  const newest = entries.slice().reverse().slice(0, 300);
  return html`<section class="panel log">
    <h2>Event log <span class="muted small">${entries.length} events</span></h2>
    <ol class="log-list" data-testid="event-log">
      ${newest.map((e) => html`<${LogRow} key=${e.id} entry=${e} label=${labels(e.sessionId)} onSelect=${onSelect} />`)}
    </ol>
  </section>`;
}

function LogRow({ entry: e, label, onSelect }) {
  const count = e.messages.reduce((n, m) => n + m.messages.length, 0);
  return html`<li class=${`log-entry outcome-${e.outcome}`} data-outcome=${e.outcome} data-entry=${e.id}>
    <div class="log-head">
      <span class="muted">#${e.id} ${formatTime(e.at)}</span>
      <a class="session-link" onClick=${() => e.sessionId && onSelect(e.sessionId)} title=${e.sessionId ?? ''}>${label ?? e.sessionId ?? '(no session)'}</a>
      <span class="summary">${e.origin === 'platform' ? 'from the platform' : e.input?.summary}</span>
      ${e.batch ? html`<span class="batch">${e.batch.kind === 'twice' ? (e.redelivery ? 'redelivery' : 'first delivery') : `${e.batch.index + 1}/${e.batch.size}`}</span>` : null}
      <span class=${`badge outcome-${e.outcome}`}>${OUTCOME_LABELS[e.outcome] ?? e.outcome}</span>
    </div>
    <div class="log-facts muted small">
      ${e.status !== undefined ? html`<span>HTTP ${e.status}</span>` : null}
      ${e.handlerMs !== undefined ? html`<span>handler ${e.handlerMs.toFixed(1)} ms</span>` : null}
      ${e.totalMs !== undefined ? html`<span>total ${e.totalMs} ms</span>` : null}
      <span>${count} message${count === 1 ? '' : 's'} sent</span>
      ${e.calls.length ? html`<span>${e.calls.length} other API call${e.calls.length === 1 ? '' : 's'}</span>` : null}
      ${e.eventId ? html`<span class="mono">${e.eventId}</span>` : null}
    </div>
    ${e.error
      ? html`<details class="error-details" open>
          <summary class="error">${e.error.name}: ${e.error.message}</summary>
          ${e.error.stack ? html`<pre>${e.error.stack}</pre>` : null}
        </details>`
      : null}
    ${count > 0 || e.calls.length > 0
      ? html`<details><summary class="muted small">sent</summary><pre>${JSON.stringify({ messages: e.messages, calls: e.calls }, null, 2)}</pre></details>`
      : null}
  </li>`;
}
