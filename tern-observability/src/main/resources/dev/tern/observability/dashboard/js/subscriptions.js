// Subscriptions and topics: every subscription (GET /api/v1/subscriptions), searched by client id and filter,
// and the topic filters they make up, with their subscriber counts.

import { byId, debounce, el, formatNumber, replace, row, status, table } from './dom.js';
import { ListPage } from './page.js';
import { describeError, request, Unauthorized } from './api.js';

const REFRESH_MS = 5000;
const LIMIT = 2000;

export class SubscriptionsPage extends ListPage {
  constructor() {
    super();
    this.statusLine = byId('subscriptions-status');
    const search = debounce(() => this.refresh(), 250);
    byId('subscriptions-client').addEventListener('input', search);
    byId('subscriptions-filter').addEventListener('input', search);
    byId('subscriptions-filters').addEventListener('submit', (event) => {
      event.preventDefault();
      this.refresh();
    });
  }

  async refresh() {
    clearTimeout(this.timer);
    const query = { clientId: byId('subscriptions-client').value, filter: byId('subscriptions-filter').value,
      limit: LIMIT };
    try {
      const page = await request('GET', '/subscriptions', { query });
      if (!this.visible) return;
      this.#render(page);
      status(this.statusLine, '');
    } catch (e) {
      if (e instanceof Unauthorized) return;
      status(this.statusLine, describeError(e), 'error');
    }
    if (this.visible) this.timer = setTimeout(() => this.refresh(), REFRESH_MS);
  }

  #render(page) {
    byId('subscriptions-count').textContent = page.total > page.items.length
      ? `${page.items.length} of ${formatNumber(page.total)} shown: narrow the search`
      : `${formatNumber(page.total)} subscriptions`;
    this.#renderTopics(page.items);
    if (page.items.length === 0) {
      replace(byId('subscriptions-table'), el('p', { class: 'empty', text: 'No subscription matches.' }));
      return;
    }
    const yes = (b) => (b ? 'yes' : 'no');
    const rows = page.items.map((s) => row({}, [
      el('span', { class: 'mono', text: s.clientId }),
      el('span', { class: 'mono', text: s.filter }),
      s.shareGroup ?? '–',
      String(s.qos),
      yes(s.noLocal),
      yes(s.retainAsPublished),
      String(s.retainHandling),
      s.subscriptionId === null || s.subscriptionId === undefined ? '–' : String(s.subscriptionId),
    ]));
    replace(byId('subscriptions-table'), table('data subscriptions', ['Client id', 'Filter', 'Share group', 'QoS',
      'No local', 'Retain as published', 'Retain handling', 'Id'], rows));
  }

  /** One row per topic filter: how many sessions subscribe to it, in how many share groups, highest QoS. */
  #renderTopics(items) {
    const byFilter = new Map();
    for (const s of items) {
      const f = byFilter.get(s.filter) || { subscribers: 0, groups: new Set(), qos: 0 };
      f.subscribers += 1;
      if (s.shareGroup) f.groups.add(s.shareGroup);
      f.qos = Math.max(f.qos, s.qos);
      byFilter.set(s.filter, f);
    }
    if (byFilter.size === 0) {
      replace(byId('subscriptions-topics'), el('p', { class: 'empty', text: 'No topic filters.' }));
      return;
    }
    const sorted = [...byFilter.entries()].sort((a, b) => b[1].subscribers - a[1].subscribers
      || a[0].localeCompare(b[0]));
    replace(byId('subscriptions-topics'), table('data topics', ['Filter', 'Subscribers', 'Share groups',
      'Highest QoS'], sorted.map(([filter, f]) => row({ dataset: { filter } }, [
      el('span', { class: 'mono', text: filter }),
      String(f.subscribers),
      f.groups.size ? [...f.groups].join(', ') : '–',
      String(f.qos),
    ]))));
  }
}
