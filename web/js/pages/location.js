// location.js — one housing location: address, capacity and certification,
// occupancy on the first of every month (chart and table), who lives there
// now (tied to the job or not), its inspections, and for inspectors a form
// to record a new inspection.
import { h, put } from '../dom.js';
import { t, num, code, date } from '../i18n.js';
import { get, post, query, ApiError } from '../api.js';
import { dataTable, csvButton } from '../table.js';
import { form } from '../form.js';
import { lineChart } from '../chart.js';
import { badge, occupancyState, certificate } from './locations.js';

export async function render(view, params, ctx) {
  const id = encodeURIComponent(params.id);
  const canInspect = ['inspector', 'admin'].includes(ctx.user.role);
  const [l, res, inspections] = await Promise.all([
    get(`/api/v1/locations/${id}`),
    get(`/api/v1/locations/${id}/residents`, { purpose: t('loc.purpose') }),
    canInspect ? get(`/api/v1/inspections${query({ location: params.id, pageSize: 100 })}`) : null,
  ]);
  const state = occupancyState({ capacity: l.capacity, occupants: res.occupants });
  const floor = l.floor_area_m2;
  put(view,
    h('p', { class: 'app-back' }, h('a', { class: 'utrecht-link', href: '#/locations' }, t('loc.back'))),
    h('h1', { class: 'utrecht-heading-1' }, t('loc.heading', { ref: l.location_ref, address: `${l.postcode} ${l.house_number}` })),
    h('dl', { class: 'app-details' },
      h('dt', {}, t('loc.kind')), h('dd', {}, code('loc', l.kind)),
      h('dt', {}, t('loc.municipality')), h('dd', {}, l.municipality),
      h('dt', {}, t('loc.occupants')), h('dd', {}, t('loc.occupancyNow', { n: num(res.occupants), cap: l.capacity === null ? '—' : num(l.capacity) }), ' ', badge(state)),
      h('dt', {}, t('loc.floorArea')), h('dd', {}, floor === null ? '—' : `${num(floor, 0)} m²`),
      h('dt', {}, t('loc.perPerson')), h('dd', {}, floor === null || !res.occupants ? '—' : `${num(floor / res.occupants, 1)} m²`),
      h('dt', {}, t('loc.provider')), h('dd', {}, l.provider_ref ? [l.provider_name || l.provider_ref, l.provider_name ? h('span', { class: 'app-ref' }, ` (${l.provider_ref})`) : null] : '—'),
      h('dt', {}, t('loc.certifiedUntil')), h('dd', {}, certificate(l.certified_until, res.date))));

  put(view, h('h2', { class: 'utrecht-heading-2' }, t('loc.occupancyTitle')));
  if (res.occupancy.length) {
    const cols = [
      { key: 'date', label: t('loc.month'), rowHeader: true, format: (r) => date(r.date) },
      { key: 'occupants', label: t('loc.occupants'), numeric: true, format: (r) => num(r.occupants) },
    ];
    const xs = res.occupancy.map((r) => Date.parse(`${r.date}T00:00:00Z`) / 1000);
    const series = [{ label: t('loc.occupants'), values: res.occupancy.map((r) => r.occupants), color: '#01689b' }];
    if (l.capacity !== null) series.push({ label: t('loc.capacity'), values: xs.map(() => l.capacity), color: '#a90061', dash: [6, 4] });
    put(view, h('div', { class: 'app-chart-block' },
      await lineChart({ title: t('loc.occupancyTitle'), xs, series, xTime: true, yLabel: t('loc.occupants'), id: 'occupancy-chart' }),
      h('details', { class: 'app-disclosure' }, h('summary', {}, t('chart.showTable')),
        dataTable({ caption: t('loc.occupancyTitle'), columns: cols, rows: res.occupancy.slice().reverse() })),
      h('div', { class: 'utrecht-button-group' }, csvButton(`bezetting-${l.location_ref}.csv`, cols.map((c) => ({ ...c, format: undefined })), res.occupancy))));
  } else {
    put(view, h('p', { class: 'utrecht-paragraph' }, t('loc.noHistory')));
  }

  put(view, h('h2', { class: 'utrecht-heading-2' }, t('loc.residents')),
    dataTable({ caption: t('loc.residentsCaption', { date: date(res.date) }), rows: res.residents, empty: t('loc.noResidents'), columns: [
      { key: 'person_ref', label: t('person.ref'), rowHeader: true,
        format: (r) => (['caseworker', 'admin', 'agency'].includes(ctx.user.role) ? h('a', { class: 'utrecht-link', href: `#/persons/${r.person_id}` }, r.person_ref) : r.person_ref) },
      { key: 'start_date', label: t('person.start'), format: (r) => date(r.start_date) },
      { key: 'end_date', label: t('person.end'), format: (r) => date(r.end_date) || t('person.ongoing') },
      { key: 'tied', label: t('person.tied'), format: residentTied },
    ] }));

  if (!canInspect) return;
  put(view, h('h2', { class: 'utrecht-heading-2' }, t('insp.title')),
    dataTable({ caption: t('insp.caption'), rows: inspections.items.slice().sort((a, b) => b.date.localeCompare(a.date)), empty: t('insp.none'), columns: [
      { key: 'date', label: t('insp.date'), format: (r) => date(r.date) },
      { key: 'outcome', label: t('insp.outcome'), format: (r) => code('outcome', r.outcome) },
      { key: 'persons_found', label: t('insp.personsFound'), numeric: true, format: (r) => (r.persons_found === null ? '—' : num(r.persons_found)) },
      { key: 'findings', label: t('insp.findings') },
      { key: 'inspector', label: t('insp.inspector') },
    ] }),
    h('h3', { class: 'utrecht-heading-3' }, t('insp.record')),
    form({
      fields: [
        { name: 'date', label: t('insp.date'), type: 'date', required: true, attrs: { max: new Date().toISOString().slice(0, 10) } },
        { name: 'outcome', label: t('insp.outcome'), type: 'select', required: true, options: ['compliant', 'defects', 'violation', 'no_access'].map((o) => [o, code('outcome', o)]) },
        { name: 'persons_found', label: t('insp.personsFound'), type: 'number', attrs: { min: 0, max: 100000, inputmode: 'numeric' },
          validate: (v) => (/^\d+$/.test(v) && Number(v) <= 100000 ? null : t('insp.personsFoundError')) },
        { name: 'findings', label: t('insp.findings'), type: 'textarea', hint: t('insp.findingsHint') },
      ],
      submitLabel: t('insp.save'),
      onSubmit: async (v) => {
        const body = { location_id: l.id, date: v.date, outcome: v.outcome, findings: v.findings || '' };
        if (v.persons_found !== '') body.persons_found = Number(v.persons_found);
        try {
          await post('/api/v1/inspections', body);
        } catch (e) {
          if (e instanceof ApiError && e.status === 400) return { errors: {}, general: e.detail || e.message };
          throw e;
        }
        ctx.navigate(`#/locations/${l.id}?saved=1`);
        return { message: t('insp.saved') };
      },
    }));
  if (params.saved) {
    // Said at the top, where the reader lands after saving.
    view.querySelector('h1').after(h('div', { class: 'utrecht-alert utrecht-alert--ok', role: 'status' },
      h('p', { class: 'utrecht-paragraph' }, t('insp.saved'))));
  }
}

// Tied on the day shown, by the monitor's rule (the API decides it): the
// bed's provider is then the resident's employer or agency.
function residentTied(r) {
  const org = r.provided_by_name || r.provided_by_ref;
  if (r.tied) return t('loc.tiedYes', { org });
  return r.provided_by_ref ? t('loc.tiedNo', { org }) : t('person.notTied');
}
