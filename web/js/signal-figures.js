// signal-figures.js — the dashboard's signals section for analysts and
// administrators: signals per kind and state (a bar chart and its table),
// the median days to handle, per municipality (a table), and the signals
// open over the past year (a line chart and its table). The counts are
// perturbed by the server like every other figure of the monitor (never a
// 1 or a 2; the note says so) and a median of too few closed signals is
// withheld, said in words. No person is named here.
import { h } from './dom.js';
import { t, num, date } from './i18n.js';
import { query } from './api.js';
import { dataTable, csvButton } from './table.js';
import { lineChart } from './chart.js';
import { bars } from './plots.js';
import { KINDS, STATES, kindText } from './signals.js';

// base: the dashboard's filters; ask(path) gets a figure.
export async function signalFigures(base, ask) {
  const munis = (base.municipality || '').split(',').filter(Boolean);
  const one = munis.length === 1 ? { municipality: munis[0] } : {};
  const [counts, overTime] = await Promise.all([
    ask(`/api/v1/signals/counts${query(one)}`),
    ask(`/api/v1/signals/open-over-time${query({ ...one, interval: 'week' })}`),
  ]);
  const order = (r) => KINDS.indexOf(r.kind);
  const totals = [...counts.totals].sort((a, b) => order(a) - order(b));
  // With several municipalities in the filter, the table per municipality
  // shows those; the totals and the chart are for all of the reader's.
  const rows = counts.rows.filter((r) => munis.length < 2 || munis.includes(r.municipality))
    .sort((a, b) => (a.municipality || '').localeCompare(b.municipality || '') || order(a) - order(b));
  const median = (r) => (r.median_days === null || r.median_days === undefined
    ? t('dash.signals.medianWithheld', { n: counts.min_closed }) : num(r.median_days, 1));
  const stateCols = [...STATES, 'closed'].map((s) => ({
    key: s, label: s === 'closed' ? t('dash.signals.closed') : t(`code.signalState.${s}`), numeric: true, format: (r) => num(r[s]),
  }));
  const medianCol = { key: 'median_days', label: t('dash.signals.median'), numeric: true, format: median, csv: (r) => r.median_days ?? '' };
  const kindCol = { key: 'kind', label: t('dash.signals.kind'), rowHeader: true, format: (r) => kindText(r.kind), csv: (r) => r.kind };
  const last = overTime.points[overTime.points.length - 1];
  const out = [
    h('div', { class: 'app-cards' },
      h('div', { class: 'app-card' }, h('span', { class: 'app-card__value' }, last ? num(last.open) : '—'),
        h('span', { class: 'app-card__label' }, t('dash.signals.openNow')))),
    bars({
      title: t('dash.signals.table'), desc: t('dash.signals.intro'),
      series: ['open', 'in_progress'].map((s) => ({ label: t(`code.signalState.${s}`) })),
      rows: totals.map((r) => ({ label: kindText(r.kind), values: [r.open, r.in_progress] })), left: 190,
    }),
    dataTable({ caption: t('dash.signals.table'), rows: totals, className: 'app-signal-counts', columns: [kindCol, ...stateCols, medianCol] }),
    h('p', { class: 'utrecht-paragraph app-note' }, t('dash.signals.medianNote', { n: counts.min_closed })),
  ];
  if (overTime.points.length) {
    const pointCols = [
      { key: 'date', label: t('dash.signals.week'), rowHeader: true, format: (p) => date(p.date) },
      { key: 'open', label: t('dash.signals.open'), numeric: true, format: (p) => num(p.open) },
    ];
    out.push(h('div', { class: 'app-chart-block' },
      await lineChart({
        title: t('dash.signals.chart'), id: 'chart-signals', xTime: true,
        xs: overTime.points.map((p) => Date.parse(`${p.date}T00:00:00Z`) / 1000),
        series: [{ label: t('dash.signals.open'), values: overTime.points.map((p) => p.open), color: '#01689b', step: true }],
        xLabel: t('dash.signals.week'), yLabel: t('dash.signals.open'),
      }),
      h('details', { class: 'app-disclosure' }, h('summary', {}, t('dash.signals.chartTable')),
        dataTable({ caption: t('dash.signals.chart'), columns: pointCols, rows: [...overTime.points].reverse() }))));
  }
  const muniCols = [
    { key: 'municipality', label: t('dash.municipality'), rowHeader: true, format: (r) => r.municipality || '—' },
    { ...kindCol, rowHeader: false }, ...stateCols, medianCol,
  ];
  out.push(h('details', { class: 'app-disclosure' }, h('summary', {}, t('dash.signals.byMunicipality')),
    munis.length > 1 ? h('p', { class: 'utrecht-paragraph app-note' }, t('dash.signals.onlyOne')) : '',
    dataTable({ caption: t('dash.signals.tableMunicipality'), rows, className: 'app-signal-munis', columns: muniCols }),
    h('div', { class: 'utrecht-button-group' }, csvButton('signalen-per-gemeente.csv', muniCols, rows))));
  if (counts.perturbed) out.push(h('p', { class: 'utrecht-paragraph app-note app-perturbed' }, t('dash.perturbed')));
  return out;
}
