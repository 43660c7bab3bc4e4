// dashboard.js — the monitor for analysts: filters (reference date,
// municipality, grouping), then survival (Kaplan–Meier curves with 95 %
// bands and retention after 1/3/5/10 years), the Cox model's hazard ratios,
// the typology quadrants, registration coverage, housing and the signals
// of the inbox (signal-figures.js). Every figure
// comes from /api/v1/monitor/* exactly as the API answers it: the tables'
// counts perturbed by the server (a note says so), survival counts withheld
// as "<10" or "verborgen" (hidden to protect another, said in words);
// every chart has its table and CSV/XLSX
// downloads of the same figure. The survival chart is drawn as soon as its
// answer arrives; the rest follows. Right after a change to the data the
// server may answer with the figures from before it rather than make the
// reader wait for the reload (Prefer: allow-stale); such a section says so
// and is drawn again when the new figures are ready.
import { h } from '../dom.js';
import { t, num, pct, date } from '../i18n.js';
import { get, query, ApiError } from '../api.js';
import { dataTable } from '../table.js';
import { field } from '../form.js';
import { lineChart, loadUplot } from '../chart.js';
import { forestPlot, quadrant, bars, color } from '../plots.js';
import { signalFigures } from '../signal-figures.js';

const GROUPINGS = ['all', 'eu', 'cee', 'south', 'nationality', 'category', 'sex', 'age', 'cohort', 'first_brp', 'municipality'];
const MAX_CURVES = 8;

function filtersFrom(params) {
  return {
    at: /^\d{4}-\d\d-\d\d$/.test(params.at || '') ? params.at : '',
    municipality: params.municipality || '',
    by: GROUPINGS.includes(params.by) ? params.by : 'eu',
  };
}

export async function render(view, params, ctx) {
  loadUplot().catch(() => {});      // fetched while the first figure is computed
  const f = filtersFrom(params);
  const base = { at: f.at, municipality: f.municipality, by: f.by };
  view.append(
    h('h1', { class: 'utrecht-heading-1' }, t('dash.title')),
    h('p', { class: 'utrecht-paragraph' }, t('dash.intro')),
    filterForm(f, ctx));
  const sections = {
    survival: section(view, 'survival'),
    cox: section(view, 'cox'),
    typology: section(view, 'typology'),
    registration: section(view, 'registration'),
    housing: section(view, 'housing'),
    signals: section(view, 'signals'),
  };
  // Survival first: it is the chart the reader sees first; the page is
  // shown once it is drawn, the other figures fill in as they arrive.
  // Complete: every section drawn with the current figures.
  const renewals = [];
  await fill(sections.survival, (ask) => survival(base, ask), renewals);
  const rest = Promise.all([
    fill(sections.cox, (ask) => cox(base, ask), renewals),
    fill(sections.typology, (ask) => typology(base, ask), renewals),
    fill(sections.registration, (ask) => registration(base, ask), renewals),
    fill(sections.housing, (ask) => housing(base, ask), renewals),
    fill(sections.signals, (ask) => signalFigures(base, ask), renewals),
  ]).then(() => Promise.all(renewals)).then(() => { view.dataset.complete = 'true'; });
  view.dataset.complete = 'false';
  rest.catch(() => {});
}

function section(view, name) {
  const el = h('section', { class: 'app-section', 'aria-labelledby': `h-${name}`, id: `sec-${name}` },
    h('h2', { class: 'utrecht-heading-2', id: `h-${name}` }, t(`dash.${name}.title`)),
    h('p', { class: 'utrecht-paragraph' }, t(`dash.${name}.intro`)),
    h('div', { class: 'app-section__body' }, h('p', { class: 'loading-section', role: 'status' }, t('shell.loading'))));
  view.append(el);
  return el;
}

// Draws a section from build(ask), where ask(path) gets a figure. The
// first time the figures may be those from before the latest change
// (Prefer: allow-stale); then the section says so, and the drawing with
// the current figures, asked for without the preference, is added to
// renewals.
async function fill(sec, build, renewals) {
  let previous = false;
  const ask = async (path) => {
    const { data, headers } = await get(path, { prefer: 'allow-stale', meta: true });
    if (headers.get('Preference-Applied') === 'allow-stale') previous = true;
    return data;
  };
  await draw(sec, () => build(ask), () => previous);
  if (previous) {
    renewals.push(draw(sec, () => build((path) => get(path)), () => false).then((drawn) => {
      if (drawn) sec.querySelector('.app-section__body').prepend(h('p', { class: 'utrecht-paragraph app-renewed', role: 'status' }, t('dash.renewed')));
    }));
  }
}

async function draw(sec, build, isPrevious) {
  const body = sec.querySelector('.app-section__body');
  try {
    const content = await build();
    sec.dataset.previous = isPrevious() ? 'true' : 'false';
    body.replaceChildren(...(isPrevious() ? [previousNote()] : []), ...content);
    return true;
  } catch (e) {
    body.replaceChildren(h('div', { class: 'utrecht-alert utrecht-alert--warning', role: 'status' },
      h('p', { class: 'utrecht-paragraph' }, e instanceof ApiError ? e.message : t('shell.errorText'))));
    if (!(e instanceof ApiError)) console.error(e);
    return false;
  }
}

function previousNote() {
  return h('div', { class: 'utrecht-alert utrecht-alert--info app-previous', role: 'status' },
    h('p', { class: 'utrecht-paragraph' }, t('dash.previous')));
}

function filterForm(f, ctx) {
  const fields = [
    field({ name: 'at', label: t('dash.at'), type: 'date', value: f.at, hint: t('dash.atHint') }),
    field({ name: 'municipality', label: t('dash.municipality'), value: f.municipality, hint: t('dash.municipalityHint') }),
    field({ name: 'by', label: t('dash.by'), type: 'select', required: true, value: f.by,
      options: GROUPINGS.map((g) => [g, t(`dash.by.${g}`)]) }),
  ];
  const form = h('form', { class: 'app-form app-filters', 'aria-label': t('dash.filters'), novalidate: true },
    fields, h('div', { class: 'utrecht-button-group' },
      h('button', { type: 'submit', class: 'utrecht-button utrecht-button--primary-action' }, t('dash.apply'))));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const v = Object.fromEntries(fields.map((x) => [x.dataset.field, x.input.value.trim()]));
    v.municipality = v.municipality.toUpperCase().replace(/\s+/g, '');
    const muni = fields[1];
    if (v.municipality && !/^GM\d{4}(,GM\d{4})*$/.test(v.municipality)) {
      muni.setError(t('dash.municipalityError'));
      muni.input.focus();
      return;
    }
    muni.setError('');
    ctx.navigate(`#/monitor${query(v)}`);
  });
  return form;
}

function downloads(figure, params) {
  const link = (format, label) => h('a', {
    class: 'utrecht-button utrecht-button--secondary-action app-download',
    href: `/api/v1/monitor/${figure}${query({ ...params, format })}`,
    download: '',
  }, label);
  return h('div', { class: 'utrecht-button-group' },
    link('csv', t('action.downloadCsv')), link('xlsx', t('action.downloadXlsx')));
}

const groupLabel = (g) => (g === 'all' ? t('dash.allGroups') : g);
const ci = (lo, hi, digits = 1) => (lo === null || lo === undefined ? '' : `${pct(lo, digits)} – ${pct(hi, digits)}`);

// ---------------------------------------------------------------- survival

async function survival(base, ask) {
  const d = await ask(`/api/v1/monitor/survival${query(base)}`);
  const groups = d.by === 'all' ? [d.all] : d.groups;
  const drawn = groups.filter((g) => g.curve && g.curve.time.length > 1)
    .sort((a, b) => (typeof b.n === 'number' ? b.n : 0) - (typeof a.n === 'number' ? a.n : 0)).slice(0, MAX_CURVES);
  const out = [];
  if (drawn.length) {
    // One x axis (years) for all curves: the union of their times, each
    // curve carried forward as a step function (null after its end).
    const times = [...new Set([0, ...drawn.flatMap((g) => g.curve.time)])].sort((a, b) => a - b);
    const series = drawn.map((g, i) => {
      const c = g.curve;
      const at = (arr) => {
        const vals = []; let k = -1;
        for (const tm of times) {
          while (k + 1 < c.time.length && c.time[k + 1] <= tm) k += 1;
          vals.push(tm > c.time[c.time.length - 1] ? null : (k < 0 ? 1 : arr[k]));
        }
        return vals;
      };
      return { label: groupLabel(g.group), values: at(c.surv), color: color(i), step: true,
        band: { lower: at(c.lower), upper: at(c.upper) } };
    });
    out.push(await lineChart({
      title: t('dash.survival.chart', { by: t(`dash.by.${d.by}`) }), id: 'chart-survival',
      xs: times.map((d2) => d2 / 365.25), series, yMax: 1, yPct: true,
      xLabel: t('dash.survival.years'), yLabel: t('dash.survival.share'),
    }));
    if (groups.length > drawn.length) out.push(h('p', { class: 'utrecht-paragraph app-note' }, t('dash.survival.limited', { n: drawn.length, total: groups.length })));
  } else {
    out.push(h('p', { class: 'utrecht-paragraph' }, t('dash.survival.noCurve')));
  }
  const rows = (d.by === 'all' ? groups : [...groups, d.all]).map((g) => {
    const r = { group: g.group, n: g.n, events: g.events, median: g.restricted_mean?.median_days };
    for (const p of g.retention || []) r[`y${p.years}`] = p;
    return r;
  });
  const ret = (y) => ({
    key: `y${y}`, label: t('dash.survival.after', { y }), numeric: true,
    format: (r) => {
      const p = r[`y${y}`];
      if (!p) return '';
      if (p.suppressed && p.n_risk === 'verborgen') return t('dash.hiddenOther');
      if (p.suppressed) return `${t('dash.suppressed')} (${p.n_risk})`;
      if (p.beyond_follow_up) return t('dash.beyond');
      return h('span', {}, pct(p.surv), h('br'), h('span', { class: 'app-ci' }, ci(p.lower, p.upper)));
    },
  });
  out.push(dataTable({
    caption: t('dash.survival.table', { at: date(d.at) }), rows, className: 'app-retention',
    columns: [
      { key: 'group', label: t('dash.group'), rowHeader: true, format: (r) => groupLabel(r.group) },
      { key: 'n', label: t('dash.stays'), numeric: true, format: (r) => num(r.n) },
      { key: 'events', label: t('dash.departures'), numeric: true, format: (r) => num(r.events) },
      ret(1), ret(3), ret(5), ret(10),
      { key: 'median', label: t('dash.median'), numeric: true, format: (r) => (r.median === null || r.median === undefined ? '—' : num(r.median / 365.25, 1)) },
    ],
  }));
  if (d.logrank) {
    out.push(h('p', { class: 'utrecht-paragraph' }, t('dash.logrank', { chisq: num(d.logrank.chisq, 1), df: d.logrank.df, p: pValue(d.logrank.p) })));
  }
  out.push(downloads('survival', base));
  return out;
}

function pValue(p) {
  if (p === null || p === undefined) return '';
  return p < 0.001 ? `< ${num(0.001, 3)}` : num(p, 3);
}

// ---------------------------------------------------------------- cox

async function cox(base, ask) {
  const params = { at: base.at, municipality: base.municipality };
  const d = await ask(`/api/v1/monitor/cox${query(params)}`);
  const rows = d.coefficients.filter((c) => !c.aliased).map((c) => ({ ...c, label: t(`dash.cov.${c.name}`) }));
  const fmt = (c) => `${num(c.hr, 2)} (${num(c.hr_lower, 2)}–${num(c.hr_upper, 2)})`;
  return [
    forestPlot({ title: t('dash.cox.chart'), desc: t('dash.cox.desc'),
      rows: rows.map((c) => ({ label: c.label, hr: c.hr, lower: c.hr_lower, upper: c.hr_upper, text: fmt(c) })) }),
    dataTable({ caption: t('dash.cox.table', { n: num(d.n_stays), e: num(d.n_events) }), rows, columns: [
      { key: 'label', label: t('dash.cox.covariate'), rowHeader: true },
      { key: 'hr', label: t('dash.cox.hr'), numeric: true, format: (c) => num(c.hr, 2) },
      { key: 'ci', label: t('dash.cox.ci'), numeric: true, format: (c) => `${num(c.hr_lower, 2)} – ${num(c.hr_upper, 2)}` },
      { key: 'p', label: t('dash.cox.p'), numeric: true, format: (c) => pValue(c.p) },
    ] }),
    h('p', { class: 'utrecht-paragraph app-note' }, t('dash.cox.note', { c: num(d.concordance?.concordance, 2) })),
    downloads('cox', params),
  ];
}

// ---------------------------------------------------------------- typology

const TYPES = ['vulnerable_passer_by', 'perspective_rich_passer_by', 'chronically_vulnerable', 'durably_perspective_rich', 'other'];

async function typology(base, ask) {
  const d = await ask(`/api/v1/monitor/typology${query(base)}`);
  const key = d.keys[0];
  const all = { label: t('dash.allGroups'), ...d.totals };
  const share = (v, total) => (typeof v === 'number' && typeof total === 'number' && total > 0 ? pct(v / total) : '—');
  const cells = Object.fromEntries(TYPES.slice(0, 4).map((ty) => [ty, {
    label: t(`dash.type.${ty}`), count: typeof all[ty] === 'number' ? t('dash.persons', { n: num(all[ty]) }) : `${all[ty]} ${t('dash.personsShort')}`,
    share: share(all[ty], all.total),
  }]));
  const rows = [...d.rows.map((r) => ({ label: groupLabel(r[key]), ...r })), ...(d.rows.length > 1 ? [all] : [])];
  return [
    quadrant({ title: t('dash.typology.chart'), desc: t('dash.typology.desc'), cells, axes: {
      passer: t('dash.typology.passer'), settler: t('dash.typology.settler'),
      vulnerable: t('dash.typology.vulnerable'), rich: t('dash.typology.rich') } }),
    dataTable({ caption: t('dash.typology.table'), rows, columns: [
      { key: 'label', label: t('dash.group'), rowHeader: true },
      ...TYPES.map((ty) => ({ key: ty, label: t(`dash.type.${ty}`), numeric: true,
        format: (r) => h('span', {}, num(r[ty]), h('br'), h('span', { class: 'app-ci' }, share(r[ty], r.total))) })),
      { key: 'total', label: t('dash.total'), numeric: true, format: (r) => num(r.total) },
    ] }),
    ...perturbedNote(d),
    downloads('typology', base),
  ];
}

// ---------------------------------------------------------------- registration

async function registration(base, ask) {
  const params = { at: base.at, municipality: base.municipality };
  const d = await ask(`/api/v1/monitor/registration${query(params)}`);
  const key = d.keys[0];
  const cols = ['brp', 'rni', 'none'];
  const rows = d.rows.map((r) => ({ ...r, label: r[key] }));
  const coverage = (r) => (typeof r.brp === 'number' && typeof r.total === 'number' && r.total > 0 ? pct(r.brp / r.total) : '—');
  return [
    h('div', { class: 'app-cards' },
      card(pct(typeof d.totals.brp === 'number' && d.totals.total ? d.totals.brp / d.totals.total : null), t('dash.registration.coverage')),
      card(num(d.totals.none), t('dash.registration.unregistered'))),
    bars({ title: t('dash.registration.chart'), desc: t('dash.registration.desc'), stacked: true,
      series: cols.map((c) => ({ label: t(`dash.reg.${c}`) })),
      rows: rows.map((r) => ({ label: r.label, values: cols.map((c) => r[c]), total: r.total })) }),
    dataTable({ caption: t('dash.registration.table'), rows: [...rows, { label: t('dash.total'), ...d.totals }], columns: [
      { key: 'label', label: t('dash.municipality'), rowHeader: true },
      ...cols.map((c) => ({ key: c, label: t(`dash.reg.${c}`), numeric: true, format: (r) => num(r[c]) })),
      { key: 'total', label: t('dash.total'), numeric: true, format: (r) => num(r.total) },
      { key: 'coverage', label: t('dash.registration.coverage'), numeric: true, format: coverage },
    ] }),
    ...perturbedNote(d),
    downloads('registration', params),
  ];
}

// ---------------------------------------------------------------- housing

async function housing(base, ask) {
  const params = { at: base.at, municipality: base.municipality };
  const d = await ask(`/api/v1/monitor/housing${query(params)}`);
  const key = d.keys[0];
  const cols = ['housed', 'in_overcrowded', 'tied', 'locations_occupied', 'locations_overcrowded'];
  const rows = d.rows.map((r) => ({ ...r, label: r[key] }));
  return [
    h('div', { class: 'app-cards' },
      card(num(d.totals.housed), t('dash.housing.housed')),
      card(num(d.totals.in_overcrowded), t('dash.housing.in_overcrowded')),
      card(num(d.totals.locations_overcrowded), t('dash.housing.locations_overcrowded'))),
    bars({ title: t('dash.housing.chart'), desc: t('dash.housing.desc'),
      series: ['housed', 'in_overcrowded', 'tied'].map((c) => ({ label: t(`dash.housing.${c}`) })),
      rows: rows.map((r) => ({ label: r.label, values: [r.housed, r.in_overcrowded, r.tied] })) }),
    dataTable({ caption: t('dash.housing.table'), rows: [...rows, { label: t('dash.total'), ...d.totals }], columns: [
      { key: 'label', label: t('dash.municipality'), rowHeader: true },
      ...cols.map((c) => ({ key: c, label: t(`dash.housing.${c}`), numeric: true, format: (r) => num(r[c]) })),
    ] }),
    ...perturbedNote(d),
    downloads('housing', params),
  ];
}

// Says that a table's counts are perturbed, when the server says so.
function perturbedNote(d) {
  return d.perturbed ? [h('p', { class: 'utrecht-paragraph app-note app-perturbed' }, t('dash.perturbed'))] : [];
}

function card(value, label) {
  return h('div', { class: 'app-card' }, h('span', { class: 'app-card__value' }, value || '—'), h('span', { class: 'app-card__label' }, label));
}

