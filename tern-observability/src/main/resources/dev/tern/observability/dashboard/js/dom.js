// DOM helpers. Text from the broker (client ids, topics, payloads) only ever becomes text nodes or attribute
// values set through the DOM; nothing here parses HTML.

/**
 * Creates an element. `props`: `class`, `text`, `title`, `dataset` (object), `on` (event -> handler),
 * `attrs` (name -> value), and any other writable element property (`type`, `value`, `disabled`, ...).
 * Children are nodes or strings (strings become text nodes); null and false are skipped.
 */
export function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = String(v);
    else if (k === 'dataset') Object.assign(e.dataset, v);
    else if (k === 'on') for (const [type, fn] of Object.entries(v)) e.addEventListener(type, fn);
    else if (k === 'attrs') for (const [name, value] of Object.entries(v)) e.setAttribute(name, String(value));
    else e[k] = v;
  }
  append(e, children);
  return e;
}

function append(parent, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(parent, c);
    else parent.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replaces every child of `parent` with `children`. */
export function replace(parent, ...children) {
  parent.replaceChildren();
  append(parent, children);
}

export function byId(id) {
  const e = document.getElementById(id);
  if (!e) throw new Error('missing element #' + id);
  return e;
}

/** Shows a message in a status element: kind is 'info', 'ok' or 'error'; empty text hides it. */
export function status(element, text, kind = 'info') {
  element.textContent = text || '';
  element.hidden = !text;
  element.className = 'status status-' + kind;
}

/** Calls `fn` once input has been quiet for `ms`. */
export function debounce(fn, ms) {
  let timer = 0;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

const NUMBER = new Intl.NumberFormat('en', { maximumFractionDigits: 1 });

export function formatNumber(n) {
  return n === null || n === undefined || Number.isNaN(n) ? '–' : NUMBER.format(n);
}

export function formatBytes(n) {
  if (n < 1024) return n + ' B';
  if (n < 1024 * 1024) return NUMBER.format(n / 1024) + ' KiB';
  if (n < 1024 * 1024 * 1024) return NUMBER.format(n / 1024 / 1024) + ' MiB';
  return NUMBER.format(n / 1024 / 1024 / 1024) + ' GiB';
}

export function formatDuration(seconds) {
  if (seconds === null || seconds === undefined) return '–';
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.floor(seconds % 60);
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${s}s`;
  return `${s}s`;
}

export function formatTime(date) {
  return date.toLocaleTimeString('en-GB', { hour12: false }) + '.' + String(date.getMilliseconds()).padStart(3, '0');
}

/** Bytes as "48 65 6c 6c 6f", at most `max` of them. */
export function hex(bytes, max = 256) {
  const shown = Array.from(bytes.subarray(0, max), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return bytes.length > max ? shown + ' …' : shown;
}

/** A table with a header row and the given body rows (see `row`). */
export function table(className, headers, rows) {
  return el('table', { class: className },
    el('thead', {}, el('tr', {}, headers.map((h) => el('th', { text: h, attrs: { scope: 'col' } })))),
    el('tbody', {}, rows));
}

/** A table row; each cell is a node or a string. */
export function row(props, cells) {
  return el('tr', props, cells.map((c) => el('td', {}, c)));
}
