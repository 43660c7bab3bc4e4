// locations.js — the housing register: every location the user may see
// with its residents today against its capacity, overcrowded locations
// first (occupancy over capacity, then by how far over).
import { h, put } from '../dom.js';
import { t, num, code, date } from '../i18n.js';
import { get, getAll } from '../api.js';
import { dataTable, csvButton } from '../table.js';
import { addSignalSummary } from '../signal-summary.js';

export function occupancyState(l) {
  if (l.capacity === null || l.capacity === undefined) return 'unknown';
  if (l.occupants > l.capacity) return 'over';
  if (l.occupants === l.capacity) return 'full';
  return 'ok';
}

const PAGE_SIZE = 50;

export async function render(view, params, ctx) {
  const [locations, occ] = await Promise.all([getAll('/api/v1/locations'), get('/api/v1/occupancy')]);
  const byId = new Map(occ.items.map((o) => [o.location_id, o.occupants]));
  const rows = locations.map((l) => ({ ...l, occupants: byId.get(l.id) ?? 0 }));
  // Overcrowded first (furthest over first), then full, within capacity,
  // and locations whose capacity is unknown last.
  const rank = { over: 0, full: 1, ok: 2, unknown: 3 };
  const ratio = (l) => (l.capacity ? l.occupants / l.capacity : 0);
  rows.sort((a, b) => rank[occupancyState(a)] - rank[occupancyState(b)] || ratio(b) - ratio(a)
    || b.occupants - a.occupants || a.location_ref.localeCompare(b.location_ref));
  const pages = Math.max(1, Math.ceil(rows.length / PAGE_SIZE));
  const page = Math.min(pages, Math.max(1, Number(params.page) || 1));
  const shown = rows.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
  const over = rows.filter((l) => occupancyState(l) === 'over').length;
  const columns = [
    { key: 'location_ref', label: t('loc.ref'), rowHeader: true,
      format: (l) => h('a', { class: 'utrecht-link', href: `#/locations/${l.id}` }, l.location_ref) },
    { key: 'address', label: t('loc.address'), format: (l) => `${l.postcode} ${l.house_number}`, csv: (l) => `${l.postcode} ${l.house_number}` },
    { key: 'municipality', label: t('loc.municipality') },
    { key: 'kind', label: t('loc.kind'), format: (l) => code('loc', l.kind) },
    { key: 'occupants', label: t('loc.occupants'), numeric: true, format: (l) => num(l.occupants) },
    { key: 'capacity', label: t('loc.capacity'), numeric: true, format: (l) => (l.capacity === null ? '—' : num(l.capacity)) },
    { key: 'state', label: t('loc.state'), format: (l) => badge(occupancyState(l)), csv: (l) => occupancyState(l) },
    { key: 'certified_until', label: t('loc.certifiedUntil'), format: (l) => certificate(l.certified_until, occ.date), csv: (l) => l.certified_until || '' },
  ];
  put(view,
    h('h1', { class: 'utrecht-heading-1' }, t('loc.title')),
    h('p', { class: 'utrecht-paragraph' }, t('loc.intro', { date: date(occ.date), scope: locationScope(ctx.user) })),
    h('p', { class: 'utrecht-paragraph', role: 'status' }, t('loc.summary', { n: rows.length, over })),
    h('div', { class: 'utrecht-button-group' }, csvButton('locaties.csv', columns, rows)),
    dataTable({ caption: t('loc.captionPage', { page, pages }), columns, rows: shown, className: 'app-locations' }),
    pages > 1 ? h('nav', { class: 'app-pager', 'aria-label': t('pager.label') },
      page > 1 ? h('a', { class: 'utrecht-link', href: `#/locations?page=${page - 1}` }, t('pager.previous')) : null,
      h('span', { 'aria-current': 'page' }, t('pager.page', { page, pages })),
      page < pages ? h('a', { class: 'utrecht-link', href: `#/locations?page=${page + 1}` }, t('pager.next')) : null) : null);
  // The start page (nothing asked yet) shows the user's signals.
  if (!Object.values(params).some(Boolean)) addSignalSummary(view, ctx);
}

export function badge(state) {
  return h('span', { class: `app-badge app-badge--${state}` }, t(`loc.state.${state}`));
}

function locationScope(user) {
  const munis = user.municipalities || [];
  return user.role === 'admin' || !munis.length ? t('loc.scope.all') : t('loc.scope.municipalities', { list: munis.join(', ') });
}

// The certificate's end date, and plainly whether it has expired on the
// day shown (an expired certificate is a finding, not a detail).
export function certificate(until, today) {
  if (!until) return t('loc.notCertified');
  if (until < today) return [date(until), ' ', h('span', { class: 'app-badge app-badge--over' }, t('loc.certExpired'))];
  return date(until);
}
