// A small MQTT 3.1.1 client over WebSocket, for the topic explorer: CONNECT (optional user name and password),
// SUBSCRIBE, PUBLISH received at QoS 0 and 1 (PUBACK sent for QoS 1), PINGREQ for keep alive, DISCONNECT.
// Written for Tern's dashboard from the MQTT 3.1.1 specification (OASIS, 2014); it only receives, so it
// subscribes at QoS 0 or 1 and never takes part in a QoS 2 exchange.
//
// WebSocket (MQTT 3.1.1 section 6): subprotocol "mqtt", binary frames; a frame may hold part of a packet or
// several packets, so incoming bytes go through a PacketReader.

export const PacketType = Object.freeze({
  CONNECT: 1, CONNACK: 2, PUBLISH: 3, PUBACK: 4, PUBREC: 5, PUBREL: 6, PUBCOMP: 7,
  SUBSCRIBE: 8, SUBACK: 9, UNSUBSCRIBE: 10, UNSUBACK: 11, PINGREQ: 12, PINGRESP: 13, DISCONNECT: 14,
});

/** CONNACK return codes of MQTT 3.1.1 (section 3.2.2.3). */
const CONNACK_REFUSALS = {
  1: 'unacceptable protocol version',
  2: 'client identifier rejected',
  3: 'server unavailable',
  4: 'bad user name or password',
  5: 'not authorized',
};

/** The largest remaining length the four-byte variable integer can carry (section 2.2.3). */
const MAX_REMAINING_LENGTH = 268435455;

/** A failure of the MQTT connection, with a message meant for people. */
export class MqttError extends Error {}

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true });

// ---------------------------------------------------------------- encoding

/** A UTF-8 string with its two-byte length prefix (section 1.5.3). */
function encodeString(text, what) {
  const bytes = encoder.encode(text);
  if (bytes.length > 0xffff) throw new MqttError(`${what} is longer than 65,535 bytes`);
  return concat([Uint8Array.of(bytes.length >> 8, bytes.length & 0xff), bytes]);
}

/** Binary data with its two-byte length prefix. */
function encodeBinary(bytes, what) {
  if (bytes.length > 0xffff) throw new MqttError(`${what} is longer than 65,535 bytes`);
  return concat([Uint8Array.of(bytes.length >> 8, bytes.length & 0xff), bytes]);
}

function encodeRemainingLength(n) {
  if (n > MAX_REMAINING_LENGTH) throw new MqttError('packet too large');
  const out = [];
  do {
    let digit = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) digit |= 0x80;
    out.push(digit);
  } while (n > 0);
  return Uint8Array.from(out);
}

function concat(parts) {
  const total = parts.reduce((sum, p) => sum + p.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Fixed header (type, flags, remaining length) followed by the body. */
function packet(type, flags, body) {
  return concat([Uint8Array.of((type << 4) | flags), encodeRemainingLength(body.length), body]);
}

/**
 * CONNECT, protocol level 4 (3.1.1). `password` needs `username` in 3.1.1 [MQTT-3.1.2-22].
 * @param {{clientId: string, username?: string, password?: string, keepAlive: number, cleanSession?: boolean}} o
 */
export function encodeConnect({ clientId, username, password, keepAlive, cleanSession = true }) {
  const hasUser = username !== undefined && username !== null && username !== '';
  const hasPassword = password !== undefined && password !== null && password !== '';
  if (hasPassword && !hasUser) {
    throw new MqttError('a password needs a user name in MQTT 3.1.1');
  }
  if (!Number.isInteger(keepAlive) || keepAlive < 0 || keepAlive > 0xffff) {
    throw new MqttError('keep alive must be 0..65535 seconds');
  }
  let flags = 0;
  if (cleanSession) flags |= 0x02;
  if (hasPassword) flags |= 0x40;
  if (hasUser) flags |= 0x80;
  const parts = [
    encodeString('MQTT', 'protocol name'),
    Uint8Array.of(4, flags, keepAlive >> 8, keepAlive & 0xff),
    encodeString(clientId, 'client id'),
  ];
  if (hasUser) parts.push(encodeString(username, 'user name'));
  if (hasPassword) parts.push(encodeBinary(encoder.encode(password), 'password'));
  return packet(PacketType.CONNECT, 0, concat(parts));
}

/** SUBSCRIBE of one filter; the fixed header's flags are 0b0010 [MQTT-3.8.1-1]. */
export function encodeSubscribe(packetId, filter, qos) {
  return packet(PacketType.SUBSCRIBE, 0x02, concat([
    Uint8Array.of(packetId >> 8, packetId & 0xff),
    encodeString(filter, 'topic filter'),
    Uint8Array.of(qos),
  ]));
}

export function encodePuback(packetId) {
  return packet(PacketType.PUBACK, 0, Uint8Array.of(packetId >> 8, packetId & 0xff));
}

export function encodePingreq() {
  return packet(PacketType.PINGREQ, 0, new Uint8Array(0));
}

export function encodeDisconnect() {
  return packet(PacketType.DISCONNECT, 0, new Uint8Array(0));
}

// ---------------------------------------------------------------- decoding

/**
 * Splits a byte stream into MQTT packets: `push(bytes)` returns the packets completed by those bytes, each as
 * `{type, flags, body}`; an incomplete packet waits for the next push. Throws MqttError for a malformed remaining
 * length or a packet over `maxPacketSize`.
 */
export class PacketReader {
  constructor(maxPacketSize = 16 * 1024 * 1024) {
    this.maxPacketSize = maxPacketSize;
    this.buffer = new Uint8Array(0);
  }

  push(bytes) {
    this.buffer = this.buffer.length ? concat([this.buffer, bytes]) : bytes;
    const packets = [];
    let at = 0;
    while (true) {
      const header = this.#header(at);
      if (!header) break;
      const end = header.bodyStart + header.length;
      if (end > this.buffer.length) break;
      packets.push({
        type: this.buffer[at] >> 4,
        flags: this.buffer[at] & 0x0f,
        body: this.buffer.slice(header.bodyStart, end),
      });
      at = end;
    }
    this.buffer = this.buffer.slice(at);
    return packets;
  }

  /** The remaining length and where the body starts, or null when the header is not complete yet. */
  #header(at) {
    let length = 0;
    let multiplier = 1;
    for (let i = 1; i <= 4; i++) {
      if (at + i >= this.buffer.length) return null;
      const digit = this.buffer[at + i];
      length += (digit & 0x7f) * multiplier;
      if ((digit & 0x80) === 0) {
        if (length + i + 1 > this.maxPacketSize) {
          throw new MqttError(`the broker sent a packet of ${length} bytes, more than the ${this.maxPacketSize} ` +
            'this client takes');
        }
        return { length, bodyStart: at + i + 1 };
      }
      multiplier *= 128;
    }
    throw new MqttError('malformed packet from the broker: remaining length longer than four bytes');
  }
}

function uint16(bytes, at) {
  if (at + 2 > bytes.length) throw new MqttError('malformed packet from the broker: too short');
  return (bytes[at] << 8) | bytes[at + 1];
}

/** PUBLISH (section 3.3): `{topic, qos, retain, dup, packetId, payload}`. */
export function decodePublish(flags, body) {
  const qos = (flags >> 1) & 0x03;
  if (qos === 3) throw new MqttError('malformed PUBLISH from the broker: QoS 3');
  const topicLength = uint16(body, 0);
  if (2 + topicLength > body.length) throw new MqttError('malformed PUBLISH from the broker: topic too long');
  let topic;
  try {
    topic = strictDecoder.decode(body.subarray(2, 2 + topicLength));
  } catch {
    throw new MqttError('malformed PUBLISH from the broker: topic is not UTF-8');
  }
  let at = 2 + topicLength;
  let packetId = null;
  if (qos > 0) {
    packetId = uint16(body, at);
    at += 2;
  }
  return { topic, qos, retain: (flags & 0x01) !== 0, dup: (flags & 0x08) !== 0, packetId, payload: body.slice(at) };
}

/** The payload as text when it is UTF-8, else null. */
export function payloadText(payload) {
  try {
    return strictDecoder.decode(payload);
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------- the client

/** How long the WebSocket upgrade plus CONNECT/CONNACK may take. */
const CONNECT_TIMEOUT_MS = 10000;

/**
 * One MQTT connection over WebSocket.
 *
 *   const c = new MqttWsClient({url, clientId, username, password, keepAlive: 30,
 *                               onMessage: (m) => ..., onClose: (error) => ...});
 *   await c.connect();                       // rejects with MqttError, e.g. "bad user name or password"
 *   const granted = await c.subscribe('a/#', 1);
 *   c.disconnect();
 *
 * `onClose(error)` runs once the connection is gone after a successful connect: error is null when
 * disconnect() ended it, else an MqttError saying why.
 */
export class MqttWsClient {
  constructor({ url, clientId, username, password, keepAlive = 30, onMessage = () => {}, onClose = () => {} }) {
    this.url = url;
    this.clientId = clientId;
    this.username = username;
    this.password = password;
    this.keepAlive = keepAlive;
    this.onMessage = onMessage;
    this.onClose = onClose;
    this.reader = new PacketReader();
    this.nextPacketId = 1;
    this.pendingSubscriptions = new Map();
    this.connected = false;
    this.closing = false;
    this.closeError = null;
    this.pingTimer = 0;
    this.pingOutstanding = false;
  }

  /** Opens the WebSocket, sends CONNECT and resolves on a successful CONNACK. */
  connect() {
    return new Promise((resolve, reject) => {
      let connectPacket;
      try {
        connectPacket = encodeConnect({
          clientId: this.clientId, username: this.username, password: this.password, keepAlive: this.keepAlive,
        });
        this.ws = new WebSocket(this.url, ['mqtt']);
      } catch (e) {
        reject(e instanceof MqttError ? e : new MqttError(`not a WebSocket URL: ${this.url} (${e.message})`));
        return;
      }
      this.ws.binaryType = 'arraybuffer';
      this.connecting = { resolve, reject };
      const timer = setTimeout(() => this.#fail(new MqttError(
        `no answer from ${this.url} within ${CONNECT_TIMEOUT_MS / 1000} s`)), CONNECT_TIMEOUT_MS);
      this.connecting.timer = timer;
      this.ws.onopen = () => {
        if (this.ws.protocol !== 'mqtt') {
          this.#fail(new MqttError(`the server at ${this.url} did not agree to the WebSocket subprotocol mqtt`));
          return;
        }
        this.#send(connectPacket);
      };
      this.ws.onmessage = (event) => this.#received(event.data);
      this.ws.onclose = (event) => this.#closed(event);
    });
  }

  /** Subscribes to one filter at QoS 0 or 1; resolves with the granted QoS. */
  subscribe(filter, qos) {
    if (!this.connected) return Promise.reject(new MqttError('not connected'));
    if (!filter) return Promise.reject(new MqttError('the topic filter is empty'));
    if (qos !== 0 && qos !== 1) return Promise.reject(new MqttError('this client subscribes at QoS 0 or 1'));
    const packetId = this.#packetId();
    return new Promise((resolve, reject) => {
      this.pendingSubscriptions.set(packetId, { resolve, reject, filter });
      try {
        this.#send(encodeSubscribe(packetId, filter, qos));
      } catch (e) {
        this.pendingSubscriptions.delete(packetId);
        reject(e);
      }
    });
  }

  /** Sends DISCONNECT and closes the WebSocket. */
  disconnect() {
    if (!this.ws || this.closing) return;
    this.closing = true;
    if (this.connected && this.ws.readyState === WebSocket.OPEN) {
      this.#send(encodeDisconnect());
    }
    this.ws.close(1000);
  }

  #packetId() {
    const id = this.nextPacketId;
    this.nextPacketId = id === 0xffff ? 1 : id + 1;
    return id;
  }

  #send(bytes) {
    this.ws.send(bytes);
  }

  #received(data) {
    if (typeof data === 'string') {
      this.#fail(new MqttError('the broker sent a text frame; MQTT over WebSocket uses binary frames'));
      return;
    }
    let packets;
    try {
      packets = this.reader.push(new Uint8Array(data));
      for (const p of packets) this.#handle(p);
    } catch (e) {
      this.#fail(e instanceof MqttError ? e : new MqttError(String(e)));
    }
  }

  #handle({ type, flags, body }) {
    if (!this.connected && type !== PacketType.CONNACK) {
      throw new MqttError(`protocol error: the broker sent packet type ${type} before CONNACK`);
    }
    switch (type) {
      case PacketType.CONNACK: {
        if (this.connected || body.length !== 2) throw new MqttError('protocol error: unexpected CONNACK');
        const code = body[1];
        if (code !== 0) {
          const what = CONNACK_REFUSALS[code] || `return code ${code}`;
          throw new MqttError(`connection refused by the broker: ${what}`);
        }
        this.connected = true;
        clearTimeout(this.connecting.timer);
        this.connecting.resolve();
        this.connecting = null;
        this.#startKeepAlive();
        break;
      }
      case PacketType.PUBLISH: {
        const message = decodePublish(flags, body);
        if (message.qos === 2) {
          throw new MqttError('protocol error: a QoS 2 message on a subscription granted at most QoS 1');
        }
        if (message.qos === 1) this.#send(encodePuback(message.packetId));
        this.onMessage(message);
        break;
      }
      case PacketType.SUBACK: {
        const packetId = uint16(body, 0);
        const pending = this.pendingSubscriptions.get(packetId);
        if (!pending || body.length !== 3) throw new MqttError('protocol error: unexpected SUBACK');
        this.pendingSubscriptions.delete(packetId);
        const granted = body[2];
        if (granted === 0x80) {
          pending.reject(new MqttError(`the broker refused the subscription to ${pending.filter} ` +
            '(SUBACK 0x80: not authorised, or not a valid filter)'));
        } else {
          pending.resolve(granted);
        }
        break;
      }
      case PacketType.PINGRESP:
        this.pingOutstanding = false;
        break;
      default:
        throw new MqttError(`protocol error: unexpected packet type ${type} from the broker`);
    }
  }

  /**
   * PINGREQ every half keep-alive interval (the broker allows one and a half: a browser that slows the timers of a
   * hidden tab down to one a minute still pings in time with a keep alive of 60 s); a PINGRESP still missing at
   * the next one ends the connection.
   */
  #startKeepAlive() {
    if (this.keepAlive === 0) return;
    const every = Math.max(1, Math.floor(this.keepAlive / 2));
    this.pingTimer = setInterval(() => {
      if (this.pingOutstanding) {
        this.#fail(new MqttError(`no PINGRESP from the broker within ${every} s`));
        return;
      }
      this.pingOutstanding = true;
      this.#send(encodePingreq());
    }, every * 1000);
  }

  /** Ends the connection because of `error`; the close event reports it. */
  #fail(error) {
    if (!this.closeError) this.closeError = error;
    if (this.ws && this.ws.readyState <= WebSocket.OPEN) this.ws.close(1000);
    if (this.ws && this.ws.readyState === WebSocket.CLOSED) this.#closed({ code: 1006, reason: '' });
  }

  #closed(event) {
    if (this.finished) return;
    this.finished = true;
    clearInterval(this.pingTimer);
    const error = this.closeError || (this.closing ? null : new MqttError(this.#describeClose(event)));
    for (const pending of this.pendingSubscriptions.values()) {
      pending.reject(error || new MqttError('disconnected'));
    }
    this.pendingSubscriptions.clear();
    if (this.connecting) {
      clearTimeout(this.connecting.timer);
      this.connecting.reject(error || new MqttError('disconnected before CONNACK'));
      this.connecting = null;
      return;
    }
    this.connected = false;
    this.onClose(error);
  }

  #describeClose(event) {
    if (!this.connected) {
      // browsers do not tell scripts why a WebSocket could not be opened (RFC 6455 section 7.1.7 wants it so)
      return `could not connect to ${this.url}: the connection was refused or closed during the WebSocket ` +
        'upgrade (is it a ws/wss listener, with the right path? the browser console may tell more)';
    }
    const reason = event.reason ? `: ${event.reason}` : '';
    return `the broker closed the connection (WebSocket close code ${event.code}${reason})`;
  }
}
