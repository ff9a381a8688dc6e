// Overview: tiles with the broker's figures and live charts of connections, messages per second and drops,
// from GET /api/v1/stats once a second (rates are the difference of two samples over their time apart).

import { byId, el, formatDuration, formatNumber, replace, status } from './dom.js';
import { describeError, request, Unauthorized } from './api.js';
import { LineChart } from './chart.js';

const POLL_MS = 1000;
const BROKER_POLL_MS = 10000;
const WINDOW = 180;

export class OverviewPage {
  constructor() {
    this.visible = false;
    this.running = false;
    this.previous = null;
    this.latest = null;
    this.broker = null;
    window.addEventListener('resize', () => {
      if (this.visible) this.#render();
    });
  }

  start(broker) {
    this.broker = broker;
    this.previous = null;
    this.connections = new LineChart(byId('chart-connections'), [
      { name: 'clients', color: '#2563eb' },
      { name: 'connections', color: '#94a3b8' },
    ], { title: 'Connections', capacity: WINDOW });
    this.messages = new LineChart(byId('chart-messages'), [
      { name: 'in', color: '#16a34a' },
      { name: 'out', color: '#9333ea' },
    ], { title: 'Messages per second', capacity: WINDOW, unit: '/s' });
    this.drops = new LineChart(byId('chart-drops'), [
      { name: 'dropped', color: '#dc2626' },
    ], { title: 'Drops per second', capacity: WINDOW, unit: '/s' });
    this.running = true;
    this.#renderBroker();
    this.#poll();
    this.#pollBroker();
  }

  stop() {
    this.running = false;
    clearTimeout(this.timer);
    clearTimeout(this.brokerTimer);
  }

  show() {
    this.visible = true;
    this.#render();
  }

  hide() {
    this.visible = false;
  }

  async #poll() {
    if (!this.running) return;
    try {
      const s = await request('GET', '/stats');
      if (!this.running) return;
      this.#sample(s);
      status(byId('overview-status'), '');
    } catch (e) {
      if (e instanceof Unauthorized) return;
      status(byId('overview-status'), 'Statistics: ' + describeError(e), 'error');
    }
    if (this.running) this.timer = setTimeout(() => this.#poll(), POLL_MS);
  }

  async #pollBroker() {
    if (!this.running) return;
    try {
      this.broker = await request('GET', '/broker');
      this.#renderBroker();
    } catch (e) {
      if (e instanceof Unauthorized) return;
    }
    if (this.running) this.brokerTimer = setTimeout(() => this.#pollBroker(), BROKER_POLL_MS);
  }

  #sample(s) {
    const p = this.previous;
    this.previous = s;
    this.latest = s;
    this.connections.add(s.time, [s.clientsConnected, s.connections]);
    if (p && s.time > p.time) {
      const seconds = (s.time - p.time) / 1000;
      const rate = (now, before) => Math.max(0, now - before) / seconds;
      this.rates = {
        in: rate(s.publishReceived, p.publishReceived),
        out: rate(s.publishSent, p.publishSent),
        dropped: rate(s.dropped, p.dropped),
      };
      this.messages.add(s.time, [this.rates.in, this.rates.out]);
      this.drops.add(s.time, [this.rates.dropped]);
    }
    if (this.visible) this.#render();
  }

  #render() {
    if (!this.latest) return;
    const s = this.latest;
    const r = this.rates || { in: null, out: null, dropped: null };
    const tile = (label, value, id) => el('div', { class: 'tile card', dataset: { tile: id } },
      el('div', { class: 'tile-value', text: value }), el('div', { class: 'tile-label', text: label }));
    replace(byId('overview-tiles'),
      tile('clients connected', formatNumber(s.clientsConnected), 'clients'),
      tile('messages in / s', formatNumber(r.in), 'in'),
      tile('messages out / s', formatNumber(r.out), 'out'),
      tile('dropped / s', formatNumber(r.dropped), 'dropped'),
      tile('dropped in all', formatNumber(s.dropped), 'dropped-total'),
      tile('subscriptions', formatNumber(s.subscriptions), 'subscriptions'),
      tile('retained messages', formatNumber(s.retainedMessages), 'retained'),
      tile('up for', formatDuration(s.uptimeSeconds), 'uptime'));
    this.connections.draw();
    this.messages.draw();
    this.drops.draw();
  }

  #renderBroker() {
    const b = this.broker;
    if (!b) return;
    byId('overview-broker').textContent = `Tern ${b.version} · started ${new Date(b.startedAt).toLocaleString()}`;
    const items = (b.listeners || []).map((l) => el('li', { text: 'MQTT ' + l }));
    // the address this page was loaded from (the API's "http" is the configured one, port 0 included)
    items.push(el('li', { text: `HTTP ${location.host} (this dashboard, the admin API, /metrics)` }));
    replace(byId('overview-listeners'), items);
  }
}
