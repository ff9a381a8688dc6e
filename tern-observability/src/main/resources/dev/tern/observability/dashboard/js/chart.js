// A line chart on a canvas: a rolling window of samples of one or more series, drawn with the 2D context (no
// library). The legend with the latest values is HTML next to the canvas, so it can be read and selected.

import { el, formatNumber } from './dom.js';

const GRID_LINES = 4;
const PADDING = { left: 52, right: 12, top: 10, bottom: 22 };

/** Rounds up to 1, 2 or 5 times a power of ten, so that the axis reads well. */
function niceCeiling(v) {
  if (v <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) {
    if (v <= m * power) return m * power;
  }
  return 10 * power;
}

const SMALL = new Intl.NumberFormat('en', { maximumFractionDigits: 2 });

function axisNumber(v) {
  return v < 10 ? SMALL.format(v) : formatNumber(v);
}

export class LineChart {
  /**
   * @param {HTMLElement} container where the canvas and legend go
   * @param {{name: string, color: string}[]} series
   * @param {{capacity?: number, title: string, unit?: string}} options capacity = samples kept
   */
  constructor(container, series, { capacity = 120, title, unit = '' }) {
    this.series = series;
    this.capacity = capacity;
    this.unit = unit;
    this.title = title;
    this.samples = [];
    this.canvas = el('canvas', { class: 'chart-canvas', attrs: { role: 'img', 'aria-label': title } });
    this.values = series.map((s) => el('span', { class: 'legend-value', text: '–' }));
    this.legend = el('div', { class: 'chart-legend' }, series.map((s, i) => {
      const swatch = el('span', { class: 'legend-swatch' });
      // through the CSSOM: a style attribute would need 'unsafe-inline' in the Content-Security-Policy
      swatch.style.backgroundColor = s.color;
      return el('span', { class: 'legend-item' }, swatch, s.name + ' ', this.values[i]);
    }));
    container.replaceChildren(el('h3', { class: 'chart-title', text: title }), this.canvas, this.legend);
    this.canvas.dataset.samples = '0';
  }

  /** Adds one sample: `values[i]` for series i (null for a gap), taken at `time` (ms). */
  add(time, values) {
    this.samples.push({ time, values });
    if (this.samples.length > this.capacity) this.samples.shift();
    values.forEach((v, i) => {
      this.values[i].textContent = v === null ? '–' : formatNumber(v) + this.unit;
    });
    this.canvas.dataset.samples = String(this.samples.length);
    this.canvas.dataset.last = values.map((v) => (v === null ? '' : String(v))).join(',');
    this.canvas.setAttribute('aria-label', this.title + ': ' + this.series.map((s, i) =>
      `${s.name} ${values[i] === null ? 'none' : formatNumber(values[i])}`).join(', '));
  }

  /** Draws the current window; call when the chart is visible. */
  draw() {
    const canvas = this.canvas;
    const width = canvas.clientWidth;
    const height = canvas.clientHeight;
    if (width === 0 || height === 0) return;
    const ratio = window.devicePixelRatio || 1;
    if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
    }
    const g = canvas.getContext('2d');
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, width, height);

    const plotW = width - PADDING.left - PADDING.right;
    const plotH = height - PADDING.top - PADDING.bottom;
    let max = 0;
    for (const s of this.samples) {
      for (const v of s.values) if (v !== null && v > max) max = v;
    }
    const top = niceCeiling(max);
    const styles = getComputedStyle(canvas);
    const grid = styles.getPropertyValue('--chart-grid').trim() || '#ddd';
    const text = styles.getPropertyValue('--chart-text').trim() || '#666';

    g.font = '11px system-ui, sans-serif';
    g.lineWidth = 1;
    g.textBaseline = 'middle';
    g.textAlign = 'right';
    for (let i = 0; i <= GRID_LINES; i++) {
      const y = PADDING.top + plotH - (plotH * i) / GRID_LINES;
      g.strokeStyle = grid;
      g.beginPath();
      g.moveTo(PADDING.left, Math.round(y) + 0.5);
      g.lineTo(PADDING.left + plotW, Math.round(y) + 0.5);
      g.stroke();
      g.fillStyle = text;
      g.fillText(axisNumber((top * i) / GRID_LINES), PADDING.left - 6, y);
    }

    // x axis: from the oldest sample kept (at least a minute back) to the latest, labelled back from "now"
    const now = this.samples.length ? this.samples[this.samples.length - 1].time : Date.now();
    const span = this.#span(now);
    const x = (t) => PADDING.left + plotW - ((now - t) / span) * plotW;
    const tick = span <= 90000 ? 15000 : span <= 240000 ? 30000 : 60000;
    g.textAlign = 'center';
    g.textBaseline = 'top';
    for (let back = 0; back <= span; back += tick) {
      const label = back === 0 ? 'now' : back % 60000 === 0 ? `-${back / 60000} min` : `-${back / 1000} s`;
      g.fillText(label, x(now - back), PADDING.top + plotH + 6);
    }

    g.save();
    g.beginPath();
    g.rect(PADDING.left, PADDING.top, plotW, plotH);
    g.clip();
    g.lineWidth = 2;
    g.lineJoin = 'round';
    // the first series last, so that it stays on top where lines meet
    [...this.series.keys()].reverse().forEach((i) => {
      g.strokeStyle = this.series[i].color;
      g.beginPath();
      let drawing = false;
      for (const s of this.samples) {
        const v = s.values[i];
        if (v === null) {
          drawing = false;
          continue;
        }
        const px = x(s.time);
        const py = PADDING.top + plotH - (v / top) * plotH;
        if (drawing) g.lineTo(px, py);
        else g.moveTo(px, py);
        drawing = true;
      }
      g.stroke();
    });
    g.restore();
  }

  /** The time the x axis covers: back to the oldest sample kept, at least a minute. */
  #span(now) {
    return this.samples.length ? Math.max(60000, now - this.samples[0].time) : 60000;
  }
}
