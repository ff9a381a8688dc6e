// Clients: the connected clients (GET /api/v1/clients), searched by client id, user name and address, with a
// kick button (DELETE /api/v1/clients/{id}: MQTT 5 clients get DISCONNECT 0x98).

import { byId, debounce, el, formatNumber, replace, row, status, table } from './dom.js';
import { ListPage } from './page.js';
import { describeError, request, segment, Unauthorized } from './api.js';

const REFRESH_MS = 5000;
const LIMIT = 500;

export class ClientsPage extends ListPage {
  constructor() {
    super();
    this.statusLine = byId('clients-status');
    const search = debounce(() => this.refresh(), 250);
    for (const id of ['clients-id', 'clients-username', 'clients-address']) {
      byId(id).addEventListener('input', search);
    }
    byId('clients-filters').addEventListener('submit', (event) => {
      event.preventDefault();
      this.refresh();
    });
  }

  async refresh() {
    clearTimeout(this.timer);
    const query = {
      id: byId('clients-id').value,
      username: byId('clients-username').value,
      address: byId('clients-address').value,
      limit: LIMIT,
    };
    try {
      const page = await request('GET', '/clients', { query });
      if (!this.visible) return;
      this.#render(page);
    } catch (e) {
      if (e instanceof Unauthorized) return;
      status(this.statusLine, describeError(e), 'error');
    }
    if (this.visible) this.timer = setTimeout(() => this.refresh(), REFRESH_MS);
  }

  #render(page) {
    byId('clients-count').textContent = page.total > page.items.length
      ? `${page.items.length} of ${formatNumber(page.total)} shown: narrow the search`
      : `${formatNumber(page.total)} connected`;
    if (page.items.length === 0) {
      replace(byId('clients-table'), el('p', { class: 'empty', text: 'No connected client matches.' }));
      return;
    }
    const rows = page.items.map((c) => row({ dataset: { clientId: c.clientId } }, [
      el('span', { class: 'mono', text: c.clientId }),
      c.username ?? el('span', { class: 'muted', text: '–' }),
      el('span', { class: 'mono', text: c.address }),
      c.listener,
      'MQTT ' + c.protocolVersion,
      c.keepAlive + ' s',
      new Date(c.connectedAt).toLocaleString(),
      el('span', { title: c.subscriptions.map((s) => s.filter).join('\n'), text: String(c.subscriptions.length) }),
      String(c.queued),
      String(c.inflight),
      el('button', {
        type: 'button', class: 'danger small kick', text: 'Kick',
        attrs: { 'aria-label': 'Kick ' + c.clientId },
        on: { click: () => this.#kick(c.clientId) },
      }),
    ]));
    replace(byId('clients-table'), table('data clients', ['Client id', 'User', 'Address', 'Listener', 'Protocol',
      'Keep alive', 'Connected since', 'Subs', 'Queued', 'Inflight', ''], rows));
  }

  async #kick(clientId) {
    if (!window.confirm(`Kick client "${clientId}"?\n\nMQTT 5 clients get DISCONNECT 0x98 (administrative ` +
      'action); the connection closes and the will, if any, is published.')) {
      return;
    }
    try {
      await request('DELETE', '/clients/' + segment(clientId));
      status(this.statusLine, `Kicked ${clientId}.`, 'ok');
    } catch (e) {
      if (e instanceof Unauthorized) return;
      status(this.statusLine, `Could not kick ${clientId}: ${describeError(e)}`, 'error');
    }
    this.refresh();
  }
}
