// signals.js — the Signalen page: the signals in the user's scope, most
// urgent first, with filters (kind, state, owner, municipality, overdue)
// and paging; each row says why the signal is there and what to do, links
// to its person or location and to the signal itself (#/signals/ID, with
// its history and steps, pages/signal.js). Rows can be selected and
// assigned to a user or team at once (all or none: the row the server
// refuses is marked and named). An administrator also finds the settings
// of the rules here. Every person's signal listed is an audited read.
import { h, uid, announce } from '../dom.js';
import { t, language, date, num } from '../i18n.js';
import { get, post, request, query, ApiError } from '../api.js';
import { field, form } from '../form.js';
import {
  KINDS, STATES, kindText, stateBadge, ownerText, subjectLink, subjectText, dueCell, ownerOptions,
} from '../signals.js';

const PAGE_SIZE = 25;
const ACTIVE = 'open,in_progress';

function filtersFrom(params) {
  const muni = (params.municipality || '').toUpperCase();
  return {
    kind: KINDS.includes(params.kind) ? params.kind : '',
    state: STATES.includes(params.state) || params.state === 'all' ? params.state : '',
    owner: /^(me|none|user:.+|team:.+)$/.test(params.owner || '') ? params.owner : '',
    municipality: /^GM\d{4}$/.test(muni) ? muni : '',
    overdue: params.overdue === 'true' ? 'true' : '',
    page: Math.max(1, Number(params.page) || 1),
  };
}

// The API's query for the filters: no state means open and in progress.
function apiQuery(f) {
  return {
    kind: f.kind, owner: f.owner, municipality: f.municipality, overdue: f.overdue,
    state: f.state === 'all' ? '' : f.state || ACTIVE,
    page: f.page, pageSize: PAGE_SIZE, lang: language(),
  };
}

export async function render(view, params, ctx) {
  const f = filtersFrom(params);
  const [owners, res] = await Promise.all([
    ownerOptions(ctx),
    get(`/api/v1/signals${query(apiQuery(f))}`, { purpose: t('sig.purpose') }),
  ]);
  const results = h('div', { class: 'app-results' });
  view.append(
    h('h1', { class: 'utrecht-heading-1' }, t('sig.title')),
    h('p', { class: 'utrecht-paragraph' }, t('sig.intro')),
    ctx.user.role === 'inspector' ? h('p', { class: 'utrecht-paragraph' }, t('sig.introInspector')) : '',
    filterForm(f, owners, ctx),
    results);
  drawResults(results, f, res, owners, ctx);
  if (ctx.user.role === 'admin') view.append(await settingsSection());
}

function filterForm(f, owners, ctx) {
  const ownerChoices = [['me', t('sig.ownerMe')], ['none', t('sig.ownerNone')],
    ...owners.teams.map((team) => [`team:${team.name}`, t('sig.ownerTeam', { name: team.name })]),
    ...owners.members.map((name) => [`user:${name}`, t('sig.ownerUser', { name })])];
  if (f.owner && !ownerChoices.some(([v]) => v === f.owner)) ownerChoices.push([f.owner, ownerText(f.owner)]);
  const fields = [
    selectField('kind', t('sig.kind'), t('sig.kindAll'), KINDS.map((k) => [k, kindText(k)]), f.kind),
    selectField('state', t('sig.state'), t('sig.stateActive'),
      [...STATES.map((s) => [s, t(`code.signalState.${s}`)]), ['all', t('sig.stateAll')]], f.state),
    selectField('owner', t('sig.owner'), t('sig.ownerAll'), ownerChoices, f.owner),
    field({ name: 'municipality', label: t('sig.municipality'), value: f.municipality, hint: t('sig.municipalityHint'),
      attrs: { maxlength: 6, autocapitalize: 'characters' } }),
  ];
  const overdueId = uid('f-overdue');
  const overdue = h('input', { type: 'checkbox', id: overdueId, name: 'overdue', class: 'utrecht-checkbox utrecht-checkbox--html-input', checked: f.overdue === 'true' });
  const el = h('form', { class: 'app-form app-filters app-signal-filters', 'aria-label': t('sig.filters'), novalidate: true },
    fields,
    h('div', { class: 'utrecht-form-field utrecht-form-field--checkbox app-check' },
      overdue, ' ', h('label', { class: 'utrecht-form-label utrecht-form-label--checkbox', for: overdueId }, t('sig.overdue'))),
    h('div', { class: 'utrecht-button-group' },
      h('button', { type: 'submit', class: 'utrecht-button utrecht-button--primary-action' }, t('sig.apply')),
      h('a', { class: 'utrecht-link app-reset', href: '#/signals' }, t('sig.reset'))));
  el.addEventListener('submit', (e) => {
    e.preventDefault();
    const v = Object.fromEntries(fields.map((x) => [x.dataset.field, x.input.value.trim()]));
    v.municipality = v.municipality.toUpperCase();
    const muni = fields[3];
    if (v.municipality && !/^GM\d{4}$/.test(v.municipality)) {
      muni.setError(t('sig.municipalityError'));
      muni.input.focus();
      return;
    }
    muni.setError('');
    ctx.navigate(`#/signals${query({ ...v, overdue: overdue.checked ? 'true' : '' })}`);
  });
  return el;
}

function selectField(name, label, none, options, value) {
  const wrap = field({ name, label, type: 'select', options, value });
  // The empty choice means "all": say so instead of "— geen —".
  wrap.input.options[0].textContent = none;
  return wrap;
}

// ------------------------------------------------------------ the table

function drawResults(results, f, res, owners, ctx) {
  const pages = Math.max(1, Math.ceil(res.total / PAGE_SIZE));
  const rows = res.items;
  const selectAll = h('input', { type: 'checkbox', class: 'utrecht-checkbox utrecht-checkbox--html-input', 'aria-label': t('sig.selectAll') });
  const boxes = [];
  const counter = h('span', { class: 'app-selected', 'aria-live': 'polite' }, t('sig.selected', { n: 0 }));
  const updateCount = () => {
    const n = boxes.filter((b) => b.checked).length;
    counter.textContent = t('sig.selected', { n });
    selectAll.checked = n > 0 && n === boxes.length;
    selectAll.indeterminate = n > 0 && n < boxes.length;
  };
  selectAll.addEventListener('change', () => {
    for (const b of boxes) b.checked = selectAll.checked;
    updateCount();
  });
  const body = rows.length === 0
    ? [h('tr', { class: 'utrecht-table__row' }, h('td', { class: 'utrecht-table__cell', colspan: 6 }, t('sig.none')))]
    : rows.map((s) => {
      const box = h('input', {
        type: 'checkbox', class: 'utrecht-checkbox utrecht-checkbox--html-input', value: String(s.id),
        'aria-label': t('sig.select', { id: s.id, kind: kindText(s.kind), subject: subjectText(s) }),
      });
      box.addEventListener('change', updateCount);
      boxes.push(box);
      return h('tr', { class: `utrecht-table__row${s.overdue ? ' app-row--overdue' : ''}`, dataset: { signal: String(s.id) } },
        h('td', { class: 'utrecht-table__cell app-select-cell' }, box),
        h('th', { class: 'utrecht-table__cell app-signal-cell', scope: 'row' },
          h('a', { class: 'utrecht-link app-signal-link', href: `#/signals/${s.id}`, 'aria-label': t('sig.open', { id: s.id }) + `: ${kindText(s.kind)}` }, kindText(s.kind)),
          h('p', { class: 'app-signal-why' }, h('span', { class: 'visually-hidden' }, `${t('sig.why')}: `), s.why),
          h('p', { class: 'app-signal-todo' }, h('strong', {}, `${t('sig.todo')}: `), s.todo)),
        h('td', { class: 'utrecht-table__cell' }, subjectLink(s)),
        h('td', { class: 'utrecht-table__cell' }, s.municipality || '—'),
        h('td', { class: 'utrecht-table__cell' }, stateBadge(s.state), h('br'),
          h('span', { class: 'app-owner' }, s.owner ? t('sig.ownedBy', { owner: ownerText(s.owner) }) : t('sig.noOwner'))),
        h('td', { class: 'utrecht-table__cell' }, dueCell(s)));
    });
  // The outcome of an assignment, said once the list is drawn again
  // (also when none of the signals is left in it).
  const done = sessionStorage.getItem('inbeeld.signals.done');
  sessionStorage.removeItem('inbeeld.signals.done');
  if (done) announce(done);
  const caption = t('sig.caption', { page: f.page, pages });
  const table = h('div', { class: 'table-scroll', role: 'region', 'aria-label': caption, tabindex: '0' },
    h('table', { class: 'utrecht-table utrecht-table--html-table app-signals' },
      h('caption', { class: 'utrecht-table__caption' }, caption),
      h('thead', { class: 'utrecht-table__header' }, h('tr', { class: 'utrecht-table__row' },
        h('th', { class: 'utrecht-table__header-cell app-select-cell', scope: 'col' }, rows.length ? selectAll : t('sig.colSelect')),
        ...[['sig.colSignal'], ['sig.colSubject'], ['sig.municipality'], ['sig.colState'], ['sig.colDue']].map(([k]) =>
          h('th', { class: 'utrecht-table__header-cell', scope: 'col' }, t(k))))),
      h('tbody', { class: 'utrecht-table__body' }, body)));
  results.append(
    done ? h('div', { class: 'utrecht-alert utrecht-alert--ok app-notice app-bulk-done' }, h('p', { class: 'utrecht-paragraph' }, done)) : '',
    h('p', { class: 'utrecht-paragraph', role: 'status' }, t('sig.found', { n: num(res.total) })),
    rows.length ? bulkForm(boxes, owners, counter, ctx) : '',
    table,
    pager(f, pages));
}

// ------------------------------------------------------------ bulk assignment

function bulkForm(boxes, owners, counter, ctx) {
  const owner = field({ name: 'bulk_owner', label: t('sig.bulkOwner'), type: 'select', required: true, options: owners.options });
  const alert = h('div', { class: 'utrecht-alert utrecht-alert--error app-bulk-error', role: 'alert', hidden: true, tabindex: '-1' });
  const button = h('button', { type: 'submit', class: 'utrecht-button utrecht-button--primary-action' }, t('sig.bulkButton'));
  const el = h('form', { class: 'app-form app-bulk', 'aria-labelledby': 'h-bulk', novalidate: true },
    h('h2', { class: 'utrecht-heading-2', id: 'h-bulk' }, t('sig.bulk')),
    h('p', { class: 'utrecht-paragraph' }, t('sig.bulkIntro')),
    alert,
    h('div', { class: 'app-bulk__row' }, owner, h('div', { class: 'utrecht-button-group' }, button, counter)));
  const showProblem = (parts, rowId) => {
    alert.replaceChildren(...parts.map((p) => h('p', { class: 'utrecht-paragraph' }, p)));
    alert.hidden = false;
    for (const tr of document.querySelectorAll('tr.app-row--problem')) {
      tr.classList.remove('app-row--problem');
      tr.querySelector('.app-problem-note')?.remove();
    }
    const row = rowId ? document.querySelector(`tr[data-signal="${Number(rowId)}"]`) : null;
    if (row) {
      row.classList.add('app-row--problem');
      row.querySelector('.app-signal-cell').append(h('p', { class: 'app-problem-note' },
        h('span', { 'aria-hidden': 'true' }, '✖ '), t('sig.problemRow')));
    }
    alert.focus();
  };
  el.addEventListener('submit', async (e) => {
    e.preventDefault();
    alert.hidden = true;
    owner.setError('');
    const ids = boxes.filter((b) => b.checked).map((b) => Number(b.value));
    if (!ids.length) {
      showProblem([t('sig.bulkNone')]);
      return;
    }
    if (!owner.input.value) {
      owner.setError(t('sig.bulkNoOwner'));
      owner.input.focus();
      return;
    }
    button.disabled = true;
    try {
      const r = await post('/api/v1/signals/assignments', { ids, owner: owner.input.value });
      const message = t('sig.bulkDone', { n: r.assigned, owner: ownerText(r.owner) });
      sessionStorage.setItem('inbeeld.signals.done', message);
      ctx.navigate(location.hash);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      const id = err.body?.signal_id;
      showProblem([t('sig.bulkFailed'), id ? `${t('sig.bulkFailedAt', { id })} ${err.message}` : err.message], id);
    } finally {
      button.disabled = false;
    }
  });
  return el;
}

function pager(f, pages) {
  if (pages <= 1) return '';
  const link = (n, label) => h('a', { class: 'utrecht-link app-pager__link', href: `#/signals${query({ ...f, page: n })}` }, label);
  return h('nav', { class: 'app-pager', 'aria-label': t('pager.label') },
    f.page > 1 ? link(f.page - 1, t('pager.previous')) : '',
    h('span', { class: 'app-pager__current', 'aria-current': 'page' }, t('pager.page', { page: f.page, pages })),
    f.page < pages ? link(f.page + 1, t('pager.next')) : '');
}

// ------------------------------------------------------------ settings (admin)

const THRESHOLDS = ['registration_months', 'min_area_m2', 'job_loss_days', 'offer_months', 'information_days', 'address_days'];

async function settingsSection() {
  const s = await get('/api/v1/signal-settings');
  const numberField = (name, label, value, decimals) => ({
    name, label, type: 'number', required: true, value: String(value),
    attrs: { step: decimals ? '0.01' : '1', min: '0', inputmode: decimals ? 'decimal' : 'numeric' },
    validate: (v) => (Number.isFinite(Number(v)) ? null : t('sig.admin.number')),
  });
  const fields = [
    ...THRESHOLDS.map((n) => numberField(n, t(`sig.admin.${n}`), s[n], n === 'min_area_m2')),
    ...Object.keys(s.due_days).map((k) => numberField(`due_${k}`, t('sig.admin.due', { kind: kindText(k) }), s.due_days[k], false)),
  ];
  let current = s;
  const settings = form({
    fields, submitLabel: t('form.save'), className: 'app-settings',
    onSubmit: async (v) => {
      const body = { due_days: {} };
      for (const [name, value] of Object.entries(v)) {
        if (name.startsWith('due_')) body.due_days[name.slice(4)] = Number(value);
        else body[name] = Number(value);
      }
      const same = THRESHOLDS.every((n) => body[n] === current[n])
        && Object.keys(body.due_days).every((k) => body.due_days[k] === current.due_days[k]);
      try {
        current = await request('PUT', '/api/v1/signal-settings', { body });
      } catch (err) {
        if (!(err instanceof ApiError) || err.status !== 400) throw err;
        // "min_area_m2: een getal van ..." or "due_days.overcrowded: ...".
        const m = /^([\w.]+):/.exec(err.detail || '');
        const name = m ? m[1].replace(/^due_days\./, 'due_') : '';
        return fields.some((x) => x.name === name) ? { errors: { [name]: err.detail } } : { errors: {}, general: err.message };
      }
      return { message: same ? t('sig.admin.unchanged') : t('sig.admin.saved') };
    },
  });
  // The thresholds and the due periods as two groups of the one form.
  const groups = settings.fields;
  const thresholds = h('fieldset', { class: 'app-fieldset' }, h('legend', {}, t('sig.admin.thresholds')), groups.slice(0, THRESHOLDS.length));
  const due = h('fieldset', { class: 'app-fieldset' }, h('legend', {}, t('sig.admin.dueDays')), groups.slice(THRESHOLDS.length));
  settings.querySelector('.utrecht-button-group').before(thresholds, due);

  const report = h('p', { class: 'app-form-status', role: 'status' });
  const evaluate = h('button', {
    type: 'button', class: 'utrecht-button utrecht-button--secondary-action',
    onclick: async () => {
      evaluate.disabled = true;
      report.textContent = t('shell.loading');
      try {
        const r = await post('/api/v1/signals/evaluations', {});
        report.textContent = t('sig.admin.evaluated', { at: date(r.at), found: num(r.found), opened: num(r.opened), lapsed: num(r.lapsed), reopened: num(r.reopened) });
      } catch (err) {
        report.textContent = err.message;
      } finally {
        evaluate.disabled = false;
      }
    },
  }, t('sig.admin.evaluate'));
  return h('section', { class: 'app-section', 'aria-labelledby': 'h-sig-settings' },
    h('h2', { class: 'utrecht-heading-2', id: 'h-sig-settings' }, t('sig.admin.title')),
    h('details', { class: 'app-disclosure' },
      h('summary', {}, t('sig.admin.title')),
      h('p', { class: 'utrecht-paragraph' }, t('sig.admin.intro')),
      settings,
      h('div', { class: 'utrecht-button-group' }, evaluate), report));
}
