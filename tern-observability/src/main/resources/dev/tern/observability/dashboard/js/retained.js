// Retained messages: listed by topic filter (GET /api/v1/retained?filter=), one opened in a detail panel, deleted
// one by one (DELETE /api/v1/retained/{topic}) or all that match (DELETE /api/v1/retained?filter=).

import { byId, el, formatBytes, formatNumber, hex, replace, row, status, table } from './dom.js';
import { ListPage } from './page.js';
import { describeError, request, segment, Unauthorized } from './api.js';

const LIMIT = 500;
const PREVIEW = 80;

/** The payload's bytes, from the API's text or base64 form. */
function payloadBytes(m) {
  if (m.payloadEncoding === 'base64') return Uint8Array.from(atob(m.payload), (c) => c.charCodeAt(0));
  return new TextEncoder().encode(m.payload);
}

export class RetainedPage extends ListPage {
  constructor() {
    super();
    this.selected = null;
    this.statusLine = byId('retained-status');
    byId('retained-filters').addEventListener('submit', (event) => {
      event.preventDefault();
      this.selected = null;
      this.refresh();
    });
    byId('retained-delete-all').addEventListener('click', () => this.#deleteAll());
  }

  #filter() {
    return byId('retained-filter').value.trim() || '#';
  }

  async refresh() {
    try {
      const page = await request('GET', '/retained', { query: { filter: this.#filter(), limit: LIMIT } });
      if (!this.visible) return;
      this.#render(page);
    } catch (e) {
      if (e instanceof Unauthorized) return;
      status(this.statusLine, describeError(e), 'error');
    }
  }

  #render(page) {
    byId('retained-count').textContent = page.total > page.items.length
      ? `${page.items.length} of ${formatNumber(page.total)} shown: narrow the filter`
      : `${formatNumber(page.total)} matching ${this.#filter()}`;
    if (page.items.length === 0) {
      replace(byId('retained-table'), el('p', { class: 'empty', text: 'No retained message matches.' }));
      this.#renderDetail(null);
      return;
    }
    const rows = page.items.map((m) => {
      const preview = m.payloadEncoding === 'utf8'
        ? (m.payload.length > PREVIEW ? m.payload.slice(0, PREVIEW) + '…' : m.payload)
        : `binary: ${hex(payloadBytes(m), 16)}`;
      return row({
        dataset: { topic: m.topic },
        class: this.selected === m.topic ? 'selected' : '',
      }, [
        el('span', { class: 'mono', text: m.topic }),
        String(m.qos),
        formatBytes(m.payloadSize),
        el('span', { class: 'payload-preview', text: preview }),
        el('span', { class: 'actions' },
          el('button', { type: 'button', class: 'secondary small view', text: 'View',
            attrs: { 'aria-label': 'View ' + m.topic }, on: { click: () => this.#select(m) } }),
          el('button', { type: 'button', class: 'danger small delete', text: 'Delete',
            attrs: { 'aria-label': 'Delete ' + m.topic }, on: { click: () => this.#delete(m.topic) } })),
      ]);
    });
    replace(byId('retained-table'), table('data retained', ['Topic', 'QoS', 'Size', 'Payload', ''], rows));
    const still = this.selected && page.items.find((m) => m.topic === this.selected);
    this.#renderDetail(still || null);
  }

  /** Opens `m` in the detail panel; null closes it. */
  #select(m) {
    this.selected = m ? m.topic : null;
    for (const tr of byId('retained-table').querySelectorAll('tbody tr')) {
      tr.classList.toggle('selected', tr.dataset.topic === this.selected);
    }
    this.#renderDetail(m);
  }

  #renderDetail(m) {
    const panel = byId('retained-detail');
    if (!m) {
      panel.hidden = true;
      panel.replaceChildren();
      return;
    }
    const bytes = payloadBytes(m);
    const fields = [
      ['Topic', el('span', { class: 'mono', text: m.topic })],
      ['QoS', String(m.qos)],
      ['Size', `${formatBytes(m.payloadSize)} (${m.payloadSize} bytes)`],
      ['Content type', m.contentType ?? '–'],
      ['Expires in', m.expiresInSeconds === null || m.expiresInSeconds === undefined ? 'never'
        : m.expiresInSeconds + ' s'],
      ['Encoding', m.payloadEncoding === 'utf8' ? 'UTF-8 text' : 'binary'],
    ];
    replace(panel,
      el('h3', { text: 'Retained message' }),
      el('dl', { class: 'fields' }, fields.map(([k, v]) => [el('dt', { text: k }), el('dd', {}, v)])),
      el('h4', { text: 'Payload' }),
      el('pre', { class: 'payload', id: 'retained-payload', text: m.payloadEncoding === 'utf8' ? m.payload
        : hex(bytes, 4096) }),
      el('div', { class: 'actions' },
        el('button', { type: 'button', class: 'danger', text: 'Delete', id: 'retained-detail-delete',
          on: { click: () => this.#delete(m.topic) } }),
        el('button', { type: 'button', class: 'secondary', text: 'Close',
          on: { click: () => this.#select(null) } })));
    panel.hidden = false;
  }

  async #delete(topic) {
    if (!window.confirm(`Delete the retained message of "${topic}"?`)) return;
    try {
      await request('DELETE', '/retained/' + segment(topic));
      status(this.statusLine, `Deleted the retained message of ${topic}.`, 'ok');
      if (this.selected === topic) this.selected = null;
    } catch (e) {
      if (e instanceof Unauthorized) return;
      status(this.statusLine, `Could not delete ${topic}: ${describeError(e)}`, 'error');
    }
    this.refresh();
  }

  async #deleteAll() {
    const filter = this.#filter();
    if (!window.confirm(`Delete every retained message matching "${filter}"?`)) return;
    try {
      const r = await request('DELETE', '/retained', { query: { filter } });
      status(this.statusLine, `Deleted ${r.deleted} retained message${r.deleted === 1 ? '' : 's'} matching ${filter}.`,
        'ok');
      this.selected = null;
    } catch (e) {
      if (e instanceof Unauthorized) return;
      status(this.statusLine, `Could not delete: ${describeError(e)}`, 'error');
    }
    this.refresh();
  }
}
