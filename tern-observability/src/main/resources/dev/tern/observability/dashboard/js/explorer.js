// Topic explorer: subscribes to a filter over MQTT over WebSocket (our own small client, mqtt-ws.js) from the
// browser, and lists messages as they arrive. The WebSocket URL defaults to the broker's first ws (or, on an
// https page, wss) listener from GET /api/v1/broker; any other can be typed in.

import { byId, el, formatBytes, formatTime, hex, replace, row, status, table } from './dom.js';
import { MqttWsClient, payloadText } from './mqtt-ws.js';

const MAX_ROWS = 500;
const KEEP_ALIVE_S = 60;

function randomId() {
  const bytes = crypto.getRandomValues(new Uint8Array(6));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The address a browser on this page reaches a listener bound to `host` at: the page's own host for a listener on
 * every address (0.0.0.0, ::) or on "localhost", else the bind address itself (a loopback one included: the
 * browser then runs on the broker's machine, and "localhost" might resolve to the other IP version).
 */
function reachableHost(host) {
  const h = ['0.0.0.0', '::', '', 'localhost'].includes(host) ? location.hostname : host;
  return h.includes(':') && !h.startsWith('[') ? `[${h}]` : h;
}

/** ws://host:port/path of the listener a browser on this page should use, or null when there is none. */
export function defaultWebSocketUrl(endpoints) {
  const usable = (endpoints || []).filter((e) => !e.proxyProtocol);
  const preferred = location.protocol === 'https:' ? 'wss' : 'ws';
  const e = usable.find((x) => x.scheme === preferred) || usable[0];
  return e ? `${e.scheme}://${reachableHost(e.host)}:${e.port}${e.path}` : null;
}

export class ExplorerPage {
  constructor() {
    this.client = null;
    this.count = 0;
    this.statusLine = byId('explorer-status');
    byId('explorer-form').addEventListener('submit', (event) => {
      event.preventDefault();
      this.#connect();
    });
    byId('explorer-disconnect').addEventListener('click', () => this.#disconnect());
    byId('explorer-clear').addEventListener('click', () => this.#clear());
    this.#clear();
  }

  start(broker) {
    const url = byId('explorer-url');
    const hint = byId('explorer-hint');
    const suggested = defaultWebSocketUrl(broker.webSockets);
    if (!url.value && suggested) url.value = suggested;
    hint.hidden = Boolean(suggested);
    hint.textContent = suggested ? '' : 'This broker has no WebSocket listener. Add one to the configuration ' +
      '(listeners: - type: ws, bind: 127.0.0.1:8083, path: /mqtt), or type the URL of one above.';
  }

  stop() {
    this.#disconnect();
  }

  show() {}

  hide() {}

  async #connect() {
    this.#disconnect();
    const url = byId('explorer-url').value.trim();
    const filter = byId('explorer-filter').value;
    const qos = Number(byId('explorer-qos').value);
    if (!/^wss?:\/\//i.test(url)) {
      status(this.statusLine, 'Enter a ws:// or wss:// URL, e.g. ws://127.0.0.1:8083/mqtt.', 'error');
      return;
    }
    if (!filter) {
      status(this.statusLine, 'Enter a topic filter, e.g. # or sensors/+/temperature.', 'error');
      return;
    }
    const clientId = 'tern-dashboard-' + randomId();
    const client = new MqttWsClient({
      url,
      clientId,
      username: byId('explorer-username').value || undefined,
      password: byId('explorer-password').value || undefined,
      keepAlive: KEEP_ALIVE_S,
      onMessage: (m) => this.#message(m),
      onClose: (error) => {
        if (this.client !== client) return;
        this.client = null;
        this.#buttons(false);
        status(this.statusLine, error ? 'Disconnected: ' + error.message : 'Disconnected.', error ? 'error' : 'info');
      },
    });
    this.client = client;
    this.#buttons(true);
    status(this.statusLine, `Connecting to ${url}…`, 'info');
    try {
      await client.connect();
      status(this.statusLine, `Connected as ${clientId}; subscribing to ${filter}…`, 'info');
      const granted = await client.subscribe(filter, qos);
      status(this.statusLine, `Subscribed to ${filter} (QoS ${granted}) as ${clientId} on ${url}.`, 'ok');
      this.statusLine.dataset.state = 'subscribed';
    } catch (e) {
      if (this.client === client) {
        this.client = null;
        client.disconnect();
        this.#buttons(false);
      }
      status(this.statusLine, e.message, 'error');
    }
  }

  #disconnect() {
    const client = this.client;
    this.client = null;
    delete this.statusLine.dataset.state;
    if (client) {
      client.disconnect();
      status(this.statusLine, 'Disconnected.', 'info');
    }
    this.#buttons(false);
  }

  #buttons(connected) {
    byId('explorer-connect').textContent = connected ? 'Reconnect' : 'Connect';
    byId('explorer-disconnect').disabled = !connected;
  }

  #clear() {
    this.count = 0;
    this.tbody = el('tbody');
    const t = table('data messages', ['Time', 'Topic', 'QoS', 'Retained', 'Size', 'Payload'], []);
    t.tBodies[0].replaceWith(this.tbody);
    replace(byId('explorer-messages'), t);
    byId('explorer-messages').dataset.count = '0';
    byId('explorer-count').textContent = 'No messages yet.';
  }

  #message(m) {
    const text = payloadText(m.payload);
    const payload = text !== null
      ? el('span', { class: 'payload-text', text })
      : el('span', { class: 'payload-binary', text: hex(m.payload, 64), title: 'binary payload, hex' });
    const tr = row({ dataset: { topic: m.topic } }, [
      formatTime(new Date()),
      el('span', { class: 'mono', text: m.topic }),
      String(m.qos),
      m.retain ? 'yes' : '',
      formatBytes(m.payload.length),
      payload,
    ]);
    this.tbody.prepend(tr);
    while (this.tbody.rows.length > MAX_ROWS) this.tbody.lastElementChild.remove();
    this.count += 1;
    byId('explorer-messages').dataset.count = String(this.count);
    byId('explorer-count').textContent = this.count > MAX_ROWS
      ? `${this.count} messages; the latest ${MAX_ROWS} are shown, newest first.`
      : `${this.count} message${this.count === 1 ? '' : 's'}, newest first.`;
  }
}
