// timeline.js — a person's timeline as SVG: a lane each for stays,
// registrations, jobs, housing, life events and contact moments. The time axis spans the
// person's stays in the Netherlands (what the page is about), not every
// date on record: what lies before the first arrival or after the last
// departure is cut at the edge with an arrow, and life events (or contact
// moments) outside it are gathered in one marker at that edge (their dates are in its title
// and in the table below). The chart is drawn at the width it gets on
// screen, so that text keeps its size on a phone, and drawn again when
// that width changes. Time labels are spaced so that they never overlap.
import { h, svg } from './dom.js';
import { t, date, language } from './i18n.js';

const LANES = ['stays', 'registrations', 'employments', 'housings', 'life_events', 'contacts'];
const LANE_TITLE = { stays: 'person.stays', registrations: 'person.registrations', employments: 'person.employments', housings: 'person.housings', life_events: 'person.lifeEvents', contacts: 'person.contacts' };
// The lanes of dated moments rather than periods, and their marks.
const POINT_LANES = { life_events: 'tl-event', contacts: 'tl-contact' };
const DAY = 86400000;
const ms = (iso) => Date.parse(`${iso}T00:00:00Z`);
const iso = (m) => new Date(m).toISOString().slice(0, 10);

// The days the axis spans: the stays (an ongoing one up to today), else
// every period, else the dated moments; a little room on either side.
export function timeDomain(tl, today) {
  const spans = (tl.stays.length ? tl.stays.map((s) => [s.arrival_date, s.departure_date || today])
    : ['registrations', 'employments', 'housings'].flatMap((k) => tl[k].map((e) => [e.start_date, e.end_date || today])))
    .filter(([a]) => a);
  const points = spans.length ? spans.flat() : [...tl.life_events, ...(tl.contacts || [])].map((e) => e.date);
  if (!points.length) return null;
  const lo = Math.min(...points.map(ms));
  const hi = Math.max(...points.map(ms));
  const pad = Math.max(15 * DAY, (hi - lo) * 0.03);
  return { from: lo - pad, to: hi + pad };
}

// Time labels: the finest step (in months) at which labels of this width
// stay apart, on the first of a month that is a multiple of the step.
const STEPS = [1, 3, 6, 12, 24, 60, 120, 240];

export function timeTicks(from, to, width, labelWidth) {
  const perMonth = width / ((to - from) / (DAY * 30.44));
  for (const step of STEPS) {
    const yearly = step >= 12;
    const need = (yearly ? labelWidth.year : labelWidth.month) + 16;
    if (perMonth * step < need) continue;
    const out = [];
    const d = new Date(from);
    let y = d.getUTCFullYear(); let m = d.getUTCMonth() + 1;   // the first of the next month
    if (m === 12) { y += 1; m = 0; }
    for (let k = y * 12 + m; ; k += 1) {
      const at = Date.UTC(Math.floor(k / 12), k % 12, 1);
      if (at > to) break;
      const monthIndex = k % 12; const year = Math.floor(k / 12);
      if (yearly ? monthIndex === 0 && year % (step / 12) === 0 : monthIndex % step === 0) out.push({ at, yearly });
    }
    return out;
  }
  return [];
}

function tickText(tick) {
  const d = new Date(tick.at);
  if (tick.yearly) return String(d.getUTCFullYear());
  return d.toLocaleDateString(language() === 'en' ? 'en-GB' : 'nl-NL', { month: 'short', year: 'numeric', timeZone: 'UTC' });
}

// items: {stays: [[start, end, cls, label]], ...}; points: {life_events:
// [[date, label]], contacts: [[date, label]]}.
function draw(width, tl, items, points, today) {
  const dom = timeDomain(tl, today);
  const narrow = width < 560;
  // On a phone the lane's name is a line above its bars; wider, a column.
  const left = narrow ? 10 : 176; const right = 14;
  const labelH = narrow ? 18 : 0; const barH = 20; const laneH = labelH + barH + 14;
  const top = 6; const axisH = 24;
  const H = top + LANES.length * laneH + axisH;
  const plotW = Math.max(60, width - left - right);
  const x = (m) => left + ((m - dom.from) / (dom.to - dom.from)) * plotW;
  const laneTop = (k) => top + LANES.indexOf(k) * laneH;
  const barY = (k) => laneTop(k) + labelH + 4;
  const parts = [];

  const labelWidth = { year: 32, month: 62 };
  for (const tick of timeTicks(dom.from, dom.to, plotW, labelWidth)) {
    const xx = x(tick.at);
    const half = (tick.yearly ? labelWidth.year : labelWidth.month) / 2;
    parts.push(svg('line', { x1: xx, x2: xx, y1: top, y2: H - axisH, class: 'tl-grid' }));
    // A label that would stick out of the chart is left out (its line stays).
    if (xx - half >= 0 && xx + half <= width) {
      parts.push(svg('text', { x: xx, y: H - 7, class: 'tl-year', 'text-anchor': 'middle' }, tickText(tick)));
    }
  }
  for (const k of LANES) {
    parts.push(svg('text', narrow ? { x: left, y: laneTop(k) + 13, class: 'tl-lane' } : { x: 0, y: barY(k) + barH / 2 + 5, class: 'tl-lane' }, t(LANE_TITLE[k])));
  }
  for (const k of ['stays', 'registrations', 'employments', 'housings']) {
    for (const [start, end, cls, label] of items[k]) {
      if (!start) continue;
      const a = ms(start); const b = ms(end || today) + DAY;
      if (b < dom.from || a > dom.to) {
        // wholly outside the axis: only its arrow (tl-outside) stands for it
        parts.push(edgeArrow(a > dom.to ? 'right' : 'left', a > dom.to ? left + plotW : left, barY(k), barH, `${cls} tl-outside`, label));
        continue;
      }
      const x0 = x(Math.max(a, dom.from)); const x1 = x(Math.min(b, dom.to));
      parts.push(svg('rect', { x: x0, y: barY(k), width: Math.max(3, x1 - x0), height: barH, rx: 3, class: `tl-bar ${cls}` }, svg('title', {}, label)));
      if (a < dom.from) parts.push(edgeArrow('left', left, barY(k), barH, cls, label));
      if (b > dom.to) parts.push(edgeArrow('right', left + plotW, barY(k), barH, cls, label));
    }
  }
  // Life events and contacts: a mark each within the axis, one marker per
  // edge for those before or after it, with how many and their dates.
  for (const [k, cls] of Object.entries(POINT_LANES)) {
    const cy = barY(k) + barH / 2;
    const before = []; const after = [];
    for (const [day, label] of points[k] || []) {
      const m = ms(day);
      if (m < dom.from) before.push(label);
      else if (m > dom.to) after.push(label);
      else parts.push(mark(cls, x(m), cy, label));
    }
    if (before.length) parts.push(edgeMarks('left', left, cy, before, cls));
    if (after.length) parts.push(edgeMarks('right', left + plotW, cy, after, cls));
  }
  const title = t('person.timelineTitle');
  return svg('svg', { width, height: H, viewBox: `0 0 ${width} ${H}`, class: 'tl-chart', role: 'img', 'aria-label': title,
    'data-from': iso(dom.from), 'data-to': iso(dom.to) }, svg('title', {}, title), parts);
}

// A life event is a diamond, a contact moment a circle.
function mark(cls, cx, cy, label, extra = '') {
  const title = svg('title', {}, label);
  return cls === 'tl-contact'
    ? svg('circle', { cx, cy, r: 7, class: `${cls} ${extra}`.trim() }, title)
    : svg('path', { d: `M${cx} ${cy - 8} L${cx + 8} ${cy} L${cx} ${cy + 8} L${cx - 8} ${cy} Z`, class: `${cls} ${extra}`.trim() }, title);
}

// A period that runs on past the edge of the axis: an arrow at that edge.
function edgeArrow(side, xEdge, y, barH, cls, label) {
  const d = side === 'left'
    ? `M${xEdge} ${y} L${xEdge - 8} ${y + barH / 2} L${xEdge} ${y + barH} Z`
    : `M${xEdge} ${y} L${xEdge + 8} ${y + barH / 2} L${xEdge} ${y + barH} Z`;
  return svg('path', { d, class: `tl-bar tl-edge ${cls}` }, svg('title', {}, `${t(side === 'left' ? 'person.tlEarlier' : 'person.tlLater')} ${label}`));
}

// Moments outside the axis: one marker at the edge, with their count.
function edgeMarks(side, xEdge, cy, labels, cls) {
  const what = cls === 'tl-contact' ? 'Contacts' : 'Events';
  const text = t(side === 'left' ? `person.tl${what}Before` : `person.tl${what}After`, { n: labels.length });
  const cx = side === 'left' ? xEdge + 8 : xEdge - 8;
  return svg('g', { class: `tl-edge-events tl-edge-events--${side}` },
    mark(cls, cx, cy, `${text}: ${labels.join('; ')}`, `${cls}--edge`),
    svg('text', { x: side === 'left' ? cx + 12 : cx - 12, y: cy + 4, class: 'tl-edge-count', 'text-anchor': side === 'left' ? 'start' : 'end' },
      t(side === 'left' ? 'person.tlEarlierCount' : 'person.tlLaterCount', { n: labels.length })));
}

// The figure with its caption; redrawn at the width the page gives it.
// items and points as draw() takes them; legend: [[cls, label]].
export function timelineFigure(tl, items, points, legendItems) {
  const today = new Date().toISOString().slice(0, 10);
  if (!timeDomain(tl, today)) return h('p', { class: 'utrecht-paragraph' }, t('person.noTimeline'));
  const box = h('div', { class: 'tl-box' });
  let drawn = 0;
  const redraw = (width) => {
    const w = Math.max(280, Math.floor(width));
    if (Math.abs(w - drawn) < 2) return;
    drawn = w;
    box.replaceChildren(draw(w, tl, items, points, today));
  };
  // The page is built before it is shown: start from the width of the
  // main column, then follow the figure's own width.
  redraw(document.getElementById('main')?.clientWidth || 900);
  new ResizeObserver((entries) => { for (const e of entries) if (e.contentRect.width) redraw(e.contentRect.width); }).observe(box);
  return h('figure', { class: 'app-figure' }, box,
    h('figcaption', { class: 'app-figcaption' }, t('person.timelineCaption')),
    h('ul', { class: 'app-legend' }, legendItems.map(([cls, label]) =>
      h('li', {}, svg('svg', { viewBox: '0 0 16 16', width: 16, height: 16, 'aria-hidden': 'true' },
        svg('rect', { x: 1, y: 3, width: 14, height: 10, rx: 2, class: `tl-bar ${cls}` })), ` ${label}`))));
}
