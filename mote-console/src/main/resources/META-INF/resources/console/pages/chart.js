// Time-series chart of chosen keys over a chosen range, raw or aggregated by the server; our own SVG.
import { h, clear, fmtTime } from '../dom.js';
import * as api from '../api.js';

const NS = 'http://www.w3.org/2000/svg';
const COLORS = ['#2f80ed', '#eb5757', '#27ae60', '#f2994a', '#9b51e0', '#00a3a3', '#d4a106', '#7f8c8d'];
const RANGES = [['15 min', 9e5], ['1 hour', 36e5], ['6 hours', 216e5], ['1 day', 864e5], ['7 days', 6048e5], ['30 days', 2592e6]];

function s(tag, attrs, ...kids) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, v);
  kids.forEach(k => el.append(k));
  return el;
}

/** Draws series {key: [{ts, value}]} into an SVG; numeric values only. */
export function drawChart(series, start, end) {
  const W = 1000, H = 260, L = 56, R = 12, T = 10, B = 26;
  const svg = s('svg', { class: 'chart', viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: 'none', role: 'img' });
  const pts = Object.values(series).flat().map(p => Number(p.value)).filter(Number.isFinite);
  let lo = Math.min(...pts), hi = Math.max(...pts);
  if (!pts.length) { lo = 0; hi = 1; }
  if (lo === hi) { lo -= 1; hi += 1; }
  const pad = (hi - lo) * 0.06;
  lo -= pad; hi += pad;
  const x = ts => L + (ts - start) / (end - start) * (W - L - R);
  const y = v => T + (hi - v) / (hi - lo) * (H - T - B);
  for (let i = 0; i <= 4; i++) {
    const v = lo + (hi - lo) * i / 4;
    svg.append(s('line', { class: 'axis', x1: L, x2: W - R, y1: y(v), y2: y(v) }),
      s('text', { x: L - 6, y: y(v) + 4, 'text-anchor': 'end' }, Number(v.toPrecision(4)).toString()));
  }
  for (let i = 0; i <= 5; i++) {
    const ts = start + (end - start) * i / 5;
    svg.append(s('text', { x: x(ts), y: H - 8, 'text-anchor': i === 0 ? 'start' : i === 5 ? 'end' : 'middle' }, fmtTime(ts).slice(5, 16)));
  }
  Object.entries(series).forEach(([key, data], i) => {
    const d = data.filter(p => Number.isFinite(Number(p.value))).sort((a, b) => a.ts - b.ts)
      .map((p, j) => `${j ? 'L' : 'M'}${x(p.ts).toFixed(1)},${y(Number(p.value)).toFixed(1)}`).join('');
    if (d) svg.append(s('path', { class: 'series', d, stroke: COLORS[i % COLORS.length], 'data-key': key, 'data-points': data.length }));
  });
  return svg;
}

export async function chartPanel(ctx, device) {
  const id = device.id.id;
  const keys = await api.get(`/api/plugins/telemetry/DEVICE/${id}/keys/timeseries`);
  const numeric = keys.filter(k => k !== 'transportLog');
  if (!numeric.length) return h('div.empty', h('p', 'This device has no stored telemetry yet.'));
  const chosen = new Set(numeric.slice(0, 3));
  const chips = h('div.chips', numeric.map(k => {
    const cb = h('input', { type: 'checkbox', checked: chosen.has(k), onchange: () => { cb.checked ? chosen.add(k) : chosen.delete(k); load(); } });
    return h('label', cb, k);
  }));
  const range = h('select#chart-range', RANGES.map(([l, ms]) => h('option', { value: ms }, l)));
  range.value = String(36e5);
  const agg = h('select#chart-agg', ['NONE', 'AVG', 'MIN', 'MAX', 'SUM', 'COUNT'].map(a => h('option', { value: a }, a)));
  const plot = h('div.plot', { style: 'min-height:260px' });
  const legend = h('div.legend');
  const status = h('span.muted');
  range.onchange = agg.onchange = () => load();

  let seq = 0;
  async function load() {
    const mine = ++seq;
    const end = Date.now(), start = end - Number(range.value);
    const a = agg.value;
    const q = { keys: [...chosen].join(','), startTs: start, endTs: end, agg: a, limit: a === 'NONE' ? 5000 : undefined,
      interval: a === 'NONE' ? undefined : Math.max(1000, Math.round((end - start) / 100)), orderBy: 'ASC' };
    if (!chosen.size) { clear(plot, h('div.empty', h('p', 'Pick at least one key.'))); return; }
    status.textContent = 'Loading…';
    try {
      const data = await api.get(`/api/plugins/telemetry/DEVICE/${id}/values/timeseries?` + api.qs(q));
      if (mine !== seq) return;
      const series = {};
      for (const k of chosen) series[k] = data[k] || [];
      const n = Object.values(series).reduce((t, d) => t + d.length, 0);
      status.textContent = `${n} points`;
      clear(plot, n ? drawChart(series, start, end) : h('div.empty', h('p', 'No points in this range.')));
      clear(legend, [...chosen].map((k, i) => h('span', h('i', { style: `background:${COLORS[i % COLORS.length]}` }), k)));
    } catch (err) {
      if (mine === seq) { status.textContent = ''; clear(plot, h('div.empty.error', h('p', err.message))); }
    }
  }
  load();
  return h('div.card#chart-card', h('div.row', h('label.field', h('span.lbl', 'Range'), range),
    h('label.field', h('span.lbl', 'Aggregation'), agg), h('button', { type: 'button', onclick: load, style: 'align-self:end' }, 'Refresh'), status),
  h('h3', 'Keys'), chips, plot, legend);
}
