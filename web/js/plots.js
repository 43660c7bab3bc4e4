// plots.js — the dashboard's charts that are not lines: a forest plot of
// hazard ratios, the typology quadrants and horizontal (stacked) bars,
// drawn as SVG with a title and description. Suppressed cells ("<10")
// get no bar; their label says "<10". The numbers are always also in the
// table beside the chart.
import { svg, h } from './dom.js';
import { num } from './i18n.js';

const COLORS = ['#01689b', '#c45500', '#39870c', '#a90061', '#42145f', '#8a6d00', '#007bc7', '#673327', '#ca005d', '#275937'];
export const color = (i) => COLORS[i % COLORS.length];

function figure(title, desc, width, height, children) {
  return h('figure', { class: 'app-figure' },
    svg('svg', { viewBox: `0 0 ${width} ${height}`, class: 'app-plot-svg', role: 'img', 'aria-label': title },
      svg('title', {}, title), svg('desc', {}, desc), children));
}

// rows: [{label, hr, lower, upper}] — log scale, reference line at HR = 1.
export function forestPlot({ title, desc, rows }) {
  const W = 960; const left = 340; const right = 150; const rowH = 30; const top = 20;
  const H = top + rows.length * rowH + 40;
  const vals = rows.flatMap((r) => [r.lower, r.upper, r.hr]).filter((v) => v > 0 && Number.isFinite(v));
  let lo = Math.min(0.5, ...vals); let hi = Math.max(2, ...vals);
  lo = 2 ** Math.floor(Math.log2(lo)); hi = 2 ** Math.ceil(Math.log2(hi));
  const x = (v) => left + ((Math.log(v) - Math.log(lo)) / (Math.log(hi) - Math.log(lo))) * (W - left - right);
  const parts = [];
  for (let v = lo; v <= hi * 1.0001; v *= 2) {
    parts.push(svg('line', { x1: x(v), x2: x(v), y1: top - 5, y2: H - 30, class: 'grid' }),
      svg('text', { x: x(v), y: H - 12, 'text-anchor': 'middle' }, num(v, v < 1 ? 2 : 0)));
  }
  parts.push(svg('line', { x1: x(1), x2: x(1), y1: top - 5, y2: H - 30, class: 'ref' }));
  rows.forEach((r, i) => {
    const y = top + i * rowH + rowH / 2;
    parts.push(svg('text', { x: left - 10, y: y + 5, 'text-anchor': 'end' }, r.label));
    if (r.hr > 0 && Number.isFinite(r.lower) && Number.isFinite(r.upper)) {
      parts.push(svg('line', { x1: x(Math.max(lo, r.lower)), x2: x(Math.min(hi, r.upper)), y1: y, y2: y, stroke: '#01689b', 'stroke-width': 2 }),
        svg('rect', { x: x(r.hr) - 6, y: y - 6, width: 12, height: 12, fill: '#01689b' }));
    }
    parts.push(svg('text', { x: W - right + 10, y: y + 5 }, r.text));
  });
  return figure(title, desc, W, H, parts);
}

// cells: {vulnerable_passer_by, perspective_rich_passer_by,
// chronically_vulnerable, durably_perspective_rich}: {label, count, share}
export function quadrant({ title, desc, cells, axes }) {
  const W = 640; const H = 420; const left = 120; const top = 30; const cw = (W - left - 20) / 2; const ch = (H - top - 50) / 2;
  const pos = {
    vulnerable_passer_by: [0, 0], chronically_vulnerable: [1, 0],
    perspective_rich_passer_by: [0, 1], durably_perspective_rich: [1, 1],
  };
  const fills = { vulnerable_passer_by: '#fde8e8', chronically_vulnerable: '#f6d4d4', perspective_rich_passer_by: '#e3f3e5', durably_perspective_rich: '#cde9d1' };
  const parts = [];
  for (const [key, [cx, cy]] of Object.entries(pos)) {
    const c = cells[key];
    const x0 = left + cx * cw; const y0 = top + cy * ch;
    parts.push(svg('rect', { x: x0, y: y0, width: cw, height: ch, fill: fills[key], stroke: '#6b6b6b' }),
      svg('text', { x: x0 + cw / 2, y: y0 + ch / 2 - 18, 'text-anchor': 'middle', 'font-weight': '600' }, c.label),
      svg('text', { x: x0 + cw / 2, y: y0 + ch / 2 + 12, 'text-anchor': 'middle', 'font-size': '22' }, c.share),
      svg('text', { x: x0 + cw / 2, y: y0 + ch / 2 + 34, 'text-anchor': 'middle' }, c.count));
  }
  parts.push(svg('text', { x: left + cw / 2, y: H - 20, 'text-anchor': 'middle' }, axes.passer),
    svg('text', { x: left + cw * 1.5, y: H - 20, 'text-anchor': 'middle' }, axes.settler),
    svg('text', { x: left - 10, y: top + ch / 2, 'text-anchor': 'end' }, axes.vulnerable),
    svg('text', { x: left - 10, y: top + ch * 1.5, 'text-anchor': 'end' }, axes.rich));
  return figure(title, desc, W, H, parts);
}

// rows: [{label, values: [number|"<10"]}], series: [{label}]; stacked
// shares of each row's total when `stacked`, else grouped counts; left:
// the room for the row labels.
export function bars({ title, desc, rows, series, stacked = false, format = (v) => num(v), left = 110 }) {
  const W = 900; const right = 30; const barH = stacked ? 22 : 12; const gap = 12;
  const rowH = stacked ? barH + gap : series.length * barH + gap;
  const top = 10; const legendH = 30;
  const H = top + rows.length * rowH + 30 + legendH;
  const numeric = (v) => (typeof v === 'number' ? v : 0);
  const max = stacked ? 1 : Math.max(1, ...rows.flatMap((r) => r.values.map(numeric)));
  const x = (v) => left + (v / max) * (W - left - right);
  const parts = [];
  const ticks = stacked ? [0, 0.25, 0.5, 0.75, 1] : niceTicks(max);
  for (const tk of ticks) {
    parts.push(svg('line', { x1: x(tk), x2: x(tk), y1: top, y2: top + rows.length * rowH, class: 'grid' }),
      svg('text', { x: x(tk), y: top + rows.length * rowH + 18, 'text-anchor': 'middle' }, stacked ? `${Math.round(tk * 100)}%` : num(tk)));
  }
  rows.forEach((r, i) => {
    const y0 = top + i * rowH;
    parts.push(svg('text', { x: left - 8, y: y0 + (stacked ? barH : series.length * barH) / 2 + 5, 'text-anchor': 'end' }, r.label));
    if (stacked) {
      const total = (typeof r.total === 'number' ? r.total : r.values.reduce((a, v) => a + numeric(v), 0)) || 1;
      let acc = 0;
      r.values.forEach((v, j) => {
        const share = numeric(v) / total;
        if (share > 0) {
          parts.push(svg('rect', { x: x(acc), y: y0, width: x(acc + share) - x(acc), height: barH, fill: color(j) },
            svg('title', {}, `${r.label}, ${series[j].label}: ${format(v)} (${num(share * 100, 1)}%)`)));
        }
        acc += share;
      });
    } else {
      r.values.forEach((v, j) => {
        const y = y0 + j * barH;
        if (typeof v === 'number') {
          parts.push(svg('rect', { x: left, y, width: Math.max(0, x(v) - left), height: barH - 2, fill: color(j) },
            svg('title', {}, `${r.label}, ${series[j].label}: ${format(v)}`)));
        } else {
          parts.push(svg('text', { x: left + 4, y: y + barH - 3, 'font-size': '11' }, String(v)));
        }
      });
    }
  });
  const ly = H - legendH + 12;
  let lx = left;
  series.forEach((s, j) => {
    parts.push(svg('rect', { x: lx, y: ly - 10, width: 12, height: 12, fill: color(j) }),
      svg('text', { x: lx + 18, y: ly }, s.label));
    lx += 30 + s.label.length * 7.5;
  });
  return figure(title, desc, W, H, parts);
}

function niceTicks(max) {
  const step = 10 ** Math.floor(Math.log10(max));
  const s = max / step > 5 ? step * 2 : max / step > 2 ? step : step / 2;
  const out = [];
  for (let v = 0; v <= max; v += s) out.push(v);
  return out;
}
