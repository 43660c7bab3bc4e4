// persons.js — finding a person: by family name (the start of it is
// enough), by the sender's reference (exact) or nationality. Results are a
// paged table; every person shown is an audited read, with the purpose the
// caseworker gives. A caseworker or agency starts registering a new person
// here (the form is on #/persons/new, in person.js).
import { h, put } from '../dom.js';
import { t, date, code } from '../i18n.js';
import { get, query } from '../api.js';
import { dataTable } from '../table.js';
import { field } from '../form.js';
import { WRITERS, isBsn } from '../records.js';
import { addSignalSummary } from '../signal-summary.js';
import { loadNames, country } from '../names.js';

const PAGE_SIZE = 25;

export async function render(view, params, ctx) {
  const bsnAsked = params.bsn ? sessionStorage.getItem('inbeeld.bsn') || '' : '';
  const fields = [
    field({ name: 'family_name', label: t('persons.familyName'), value: params.family_name, hint: t('persons.familyNameHint') }),
    field({ name: 'birth_date', label: t('persons.birthDate'), type: 'date', value: params.birth_date, hint: t('persons.birthDateHint') }),
    field({ name: 'ref', label: t('persons.ref'), value: params.ref, hint: t('persons.refHint') }),
    field({ name: 'bsn', label: t('persons.bsn'), value: bsnAsked, hint: t('persons.bsnHint'),
      attrs: { inputmode: 'numeric', maxlength: 9, autocomplete: 'off' } }),
    field({ name: 'nationality', label: t('persons.nationality'), value: params.nationality, hint: t('persons.nationalityHint'),
      attrs: { maxlength: 2, autocapitalize: 'characters' } }),
    field({ name: 'purpose', label: t('persons.purpose'), value: params.purpose ?? sessionStorage.getItem('inbeeld.purpose') ?? '', hint: t('persons.purposeHint') }),
  ];
  const results = h('div', { class: 'app-results', 'aria-live': 'polite' });
  const searchForm = h('form', { class: 'app-form app-search', role: 'search', novalidate: true, 'aria-label': t('persons.search') },
    h('div', { class: 'app-search__fields' }, fields),
    h('div', { class: 'utrecht-button-group' },
      h('button', { type: 'submit', class: 'utrecht-button utrecht-button--primary-action' }, t('persons.searchButton'))));

  searchForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const v = Object.fromEntries(fields.map((f) => [f.dataset.field, f.input.value.trim()]));
    v.nationality = v.nationality.toUpperCase();
    const nat = fields.find((f) => f.dataset.field === 'nationality');
    if (v.nationality && !/^[A-Z]{2}$/.test(v.nationality)) {
      nat.setError(t('persons.nationalityError'));
      nat.input.focus();
      return;
    }
    nat.setError('');
    const born = fields.find((f) => f.dataset.field === 'birth_date');
    if (v.birth_date && !/^\d{4}-\d\d-\d\d$/.test(v.birth_date)) {
      born.setError(t('form.date'));
      born.input.focus();
      return;
    }
    born.setError('');
    const bsn = fields.find((f) => f.dataset.field === 'bsn');
    if (v.bsn && !isBsn(v.bsn)) {
      bsn.setError(t('persons.bsnError'));
      bsn.input.focus();
      return;
    }
    bsn.setError('');
    sessionStorage.setItem('inbeeld.purpose', v.purpose);
    // The BSN stays out of the address bar and the browser history.
    if (v.bsn) sessionStorage.setItem('inbeeld.bsn', v.bsn);
    else sessionStorage.removeItem('inbeeld.bsn');
    const { bsn: given, ...rest } = v;
    ctx.navigate(`#/persons${query({ ...rest, bsn: given ? 'ja' : '', page: 1 })}`);
  });

  put(view,
    h('h1', { class: 'utrecht-heading-1' }, t('persons.title')),
    h('p', { class: 'utrecht-paragraph' }, t('persons.intro'), ' ', scopeText(ctx.user)),
    WRITERS.includes(ctx.user.role)
      ? h('p', {}, h('a', { class: 'utrecht-button utrecht-button--secondary-action app-link-button', href: '#/persons/new' }, t('register.title')))
      : null,
    searchForm, worklistLink(params, ctx), results);
  // The start page (nothing asked yet) shows the user's signals.
  if (!Object.values(params).some(Boolean)) addSignalSummary(view, ctx);

  const page = Math.max(1, Number(params.page) || 1);
  const worklist = params.unregistered === '1' && WORKLIST_ROLES.includes(ctx.user.role);
  const q = { family_name: params.family_name, birth_date: params.birth_date, ref: params.ref,
    nationality: params.nationality, bsn: bsnAsked,
    unregistered_on: worklist ? new Date().toISOString().slice(0, 10) : undefined,
    sort: 'family_name', page, pageSize: PAGE_SIZE };
  const [res] = await Promise.all([get(`/api/v1/persons${query(q)}`, { purpose: params.purpose || t('persons.defaultPurpose') }), loadNames()]);
  const columns = [
    { key: 'name', label: t('person.name'), rowHeader: true,
      format: (p) => h('a', { class: 'utrecht-link', href: `#/persons/${p.id}` }, personName(p)) },
    { key: 'person_ref', label: t('person.ref') },
    { key: 'birth_date', label: t('person.birthDate'), format: (p) => date(p.birth_date) },
    { key: 'nationality', label: t('person.nationality'), format: (p) => country(p.nationality) },
    { key: 'category', label: t('person.category'), format: (p) => code('category', p.category) },
    { key: 'bsn_masked', label: t('person.bsn'), format: (p) => p.bsn_masked || '—' },
  ];
  const pages = Math.max(1, Math.ceil(res.total / PAGE_SIZE));
  put(results,
    worklist ? h('h2', { class: 'utrecht-heading-2' }, t('worklist.title')) : null,
    h('p', { class: 'utrecht-paragraph', role: 'status' }, t(worklist ? 'worklist.found' : 'persons.found', { n: res.total })),
    dataTable({ caption: t('persons.resultsCaption', { page, pages }), columns, rows: res.items, empty: t('persons.none') }),
    pager(page, pages, params));
}

// The work list of persons here more than 120 days without a BRP
// registration (the four-month rule; spec/monitor.md "Registration"), for
// caseworkers within their scope and administrators.
const WORKLIST_ROLES = ['caseworker', 'admin'];

function worklistLink(params, ctx) {
  if (!WORKLIST_ROLES.includes(ctx.user.role)) return null;
  const on = params.unregistered === '1';
  return h('p', { class: 'utrecht-paragraph app-worklist' }, on
    ? h('a', { class: 'utrecht-link', href: '#/persons' }, t('worklist.off'))
    : h('a', { class: 'utrecht-link', href: `#/persons${query({ unregistered: 1 })}` }, t('worklist.on')),
  ' ', h('span', { class: 'app-note' }, t('worklist.note')));
}

export function personName(p) {
  const name = [p.given_names, p.family_name].filter(Boolean).join(' ');
  return name || p.person_ref;
}

function pager(page, pages, params) {
  if (pages <= 1) return null;
  const link = (n, label) => h('a', {
    class: 'utrecht-link app-pager__link',
    href: `#/persons${query({ ...params, id: undefined, page: n })}`,
  }, label);
  return h('nav', { class: 'app-pager', 'aria-label': t('pager.label') },
    page > 1 ? link(page - 1, t('pager.previous')) : null,
    h('span', { class: 'app-pager__current', 'aria-current': 'page' }, t('pager.page', { page, pages })),
    page < pages ? link(page + 1, t('pager.next')) : null);
}

// Whom the user sees, in the words of the user's own role (the API's
// scope rules, docs/api.md).
function scopeText(user) {
  switch (user.role) {
    case 'caseworker': return t('persons.scope.caseworker', { list: (user.municipalities || []).join(', ') || '—' });
    case 'agency': return t('persons.scope.agency', { org: user.organisation });
    default: return t('persons.scope.all');
  }
}
