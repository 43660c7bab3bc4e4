// chart.js — line and step charts with uPlot (vendored from npm by the
// build; loaded only on pages that draw one). A chart is a figure with a
// text alternative; its numbers are always in a table beside it.
import { h } from './dom.js';
import { language } from './i18n.js';

let loading = null;

export function loadUplot() {
  if (globalThis.uPlot) return Promise.resolve(globalThis.uPlot);
  if (!loading) {
    loading = new Promise((resolve, reject) => {
      const s = document.createElement('script');
      s.src = 'vendor/uplot/uPlot.iife.min.js';
      s.onload = () => resolve(globalThis.uPlot);
      s.onerror = () => reject(new Error('uPlot did not load'));
      document.head.append(s);
    });
  }
  return loading;
}

function widthOf() {
  const main = document.getElementById('main');
  return Math.max(280, Math.min(960, (main?.clientWidth || 800) - 32));
}

// series: [{label, values, color, dash, step, band: {lower, upper}}];
// xs: numbers (seconds since 1970 when xTime). Bands are drawn as two
// hidden series with the area between them filled.
export async function lineChart({ title, xs, series, xTime = false, yLabel, xLabel, yMax, yPct = false, id }) {
  const uPlot = await loadUplot();
  const data = [xs];
  const opts = {
    width: widthOf(),
    height: 320,
    scales: { x: { time: xTime }, y: yMax !== undefined ? { range: [0, yMax] } : { range: (u, min, max) => [0, Math.max(1, max * 1.1)] } },
    axes: [
      { label: xLabel, stroke: '#1f1f1f', grid: { stroke: '#e6e6e6' } },
      { label: yLabel, stroke: '#1f1f1f', grid: { stroke: '#e6e6e6' },
        values: yPct ? (u, v) => v.map((x) => `${Math.round(x * 100)}%`) : undefined, size: 60 },
    ],
    series: [{ label: xLabel || '', value: xTime ? (u, v) => (v == null ? '' : new Date(v * 1000).toLocaleDateString(language() === 'en' ? 'en-GB' : 'nl-NL')) : undefined }],
    bands: [],
    legend: { live: true },
    cursor: { points: { size: 6 } },
  };
  for (const s of series) {
    const stepped = s.step ? uPlot.paths.stepped({ align: 1 }) : undefined;
    data.push(s.values);
    const idx = data.length - 1;
    opts.series.push({ label: s.label, stroke: s.color, width: 2, dash: s.dash, paths: stepped,
      value: yPct ? (u, v) => (v == null ? '' : `${(v * 100).toFixed(1)}%`) : undefined });
    if (s.band) {
      data.push(s.band.upper, s.band.lower);
      opts.series.push({ label: '', stroke: 'transparent', paths: stepped, points: { show: false } });
      opts.series.push({ label: '', stroke: 'transparent', paths: stepped, points: { show: false } });
      opts.bands.push({ series: [idx + 1, idx + 2], fill: `${s.color}33` });
    }
  }
  const target = h('div', { class: 'app-chart', id, role: 'img', 'aria-label': title });
  const plot = new uPlot(opts, data, target);
  // Hide the band helper series from the legend (uPlot always lists them).
  target.querySelectorAll('.u-legend tr').forEach((tr, i) => {
    if (i > 0 && opts.series[i] && opts.series[i].label === '') tr.remove();
  });
  target.dataset.rendered = String(performance.now());
  const resize = new ResizeObserver(() => {
    const w = Math.max(280, Math.min(960, target.parentElement ? target.parentElement.clientWidth : widthOf()));
    if (Math.abs(w - plot.width) > 4) plot.setSize({ width: w, height: 320 });
  });
  requestAnimationFrame(() => resize.observe(target.parentElement || target));
  return h('figure', { class: 'app-figure' }, target, h('figcaption', { class: 'visually-hidden' }, title));
}
