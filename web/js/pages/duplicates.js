// duplicates.js — "Mogelijke dubbelen": pairs of records from the senders
// that may be one person (docs/linkage.md, rule 4), each with the two
// records side by side; a field that differs is marked in words and with
// an icon, not by colour alone. An admin or caseworker decides "same
// person" (the records are linked) or "not the same person" (never
// proposed again), always with a reason; every decision is audited.
// Also used by person.js: the senders' records of one person, with their
// disagreements, and the unlink action.
import { h, put, fill } from '../dom.js';
import { t, date, code, num } from '../i18n.js';
import { get, request, query } from '../api.js';
import { field } from '../form.js';
import { stackCell } from '../table.js';
import { loadNames, countryText } from '../names.js';

export const LINKERS = ['caseworker', 'admin'];

// Names compare as the server does: accents removed, case folded, '-', "'"
// '.' and white space as one space.
export function normalName(s) {
  return (s || '').normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase()
    .replace(/[-'.\s]+/g, ' ').trim();
}

// The rows shown per record: [key, label, value(record), compare(record)].
function rows() {
  return [
    ['sender', t('dup.sender'), (r) => r.sender, null],
    ['person_ref', t('dup.ref'), (r) => r.person_ref, null],
    ['family_name', t('dup.familyName'), (r) => r.family_name || '—', (r) => normalName(r.family_name)],
    ['given_names', t('dup.givenNames'), (r) => r.given_names || '—', (r) => normalName(r.given_names)],
    ['birth_date', t('dup.birthDate'), (r) => date(r.birth_date), (r) => r.birth_date],
    ['sex', t('dup.sex'), (r) => code('sex', r.sex) || '—', (r) => r.sex || ''],
    ['nationality', t('dup.nationality'), (r) => countryText(r.nationality), (r) => r.nationality],
    ['category', t('dup.category'), (r) => code('category', r.category), (r) => r.category],
    ['bsn', t('dup.bsn'), (r) => r.bsn_masked || t('dup.noBsn'), null],
  ];
}

// "Verschilt" in words with an icon, so that a difference is not told by colour alone.
function differsMark() {
  return h('span', { class: 'app-differs' }, h('span', { 'aria-hidden': 'true' }, '≠ '), t('dup.differs'));
}

function sideBySide(pair) {
  const [a, b] = pair.records;
  const caption = t('dup.caption', { id: pair.id });
  const heads = [t('dup.field'), t('dup.recordOf', { sender: a.sender }), t('dup.recordOf', { sender: b.sender }), t('dup.difference')];
  return h('div', { class: 'table-scroll', role: 'region', 'aria-label': caption, tabindex: '0' },
    h('table', { class: 'utrecht-table utrecht-table--html-table app-stack app-compare', role: 'table' },
      h('caption', { class: 'utrecht-table__caption visually-hidden' }, caption),
      h('thead', { class: 'utrecht-table__header', role: 'rowgroup' }, h('tr', { class: 'utrecht-table__row', role: 'row' },
        heads.map((label) => h('th', { class: 'utrecht-table__header-cell', scope: 'col', role: 'columnheader' }, label)))),
      h('tbody', { class: 'utrecht-table__body', role: 'rowgroup' }, rows().map(([key, label, value, cmp]) => {
        const differs = cmp && (key !== 'sex' || (a.sex && b.sex)) && cmp(a) !== cmp(b);
        return h('tr', { class: `utrecht-table__row${differs ? ' app-compare__differs' : ''}`, dataset: { field: key }, role: 'row' },
          stackCell(true, heads[0], label),
          stackCell(false, heads[1], value(a)),
          stackCell(false, heads[2], value(b)),
          stackCell(false, heads[3], differs ? differsMark() : ''));
      }))));
}

function reasonText(reason) {
  return t(`dup.reason.${reason}`);
}

function decisionForm(pair, result) {
  const reason = field({ name: 'reason', label: t('dup.decisionReason'), type: 'textarea', required: true,
    hint: t('dup.decisionReasonHint'), attrs: { maxlength: 200 } });
  const status = h('p', { class: 'app-form-status', role: 'status' });
  const decide = async (same) => {
    const text = reason.input.value.trim();
    if (!text) {
      reason.setError(t('dup.reasonRequired'));
      reason.input.focus();
      return;
    }
    reason.setError('');
    try {
      const done = await request('POST', `/api/v1/duplicates/${pair.id}/decision`, { body: { same, reason: text } });
      result(done);
    } catch (e) {
      status.textContent = e.message || t('shell.errorText');
    }
  };
  return h('form', { class: 'app-form', novalidate: true, onsubmit: (e) => e.preventDefault() },
    reason,
    h('div', { class: 'utrecht-button-group' },
      h('button', { type: 'button', class: 'utrecht-button utrecht-button--primary-action', onclick: () => decide(true) }, t('dup.same')),
      h('button', { type: 'button', class: 'utrecht-button utrecht-button--secondary-action', onclick: () => decide(false) }, t('dup.different'))),
    status);
}

function decided(pair) {
  const personId = pair.records[0].person_id;
  return h('div', { class: 'utrecht-alert app-result', role: 'status' },
    h('p', { class: 'utrecht-paragraph' },
      pair.state === 'linked' ? t('dup.doneSame') : t('dup.doneDifferent')),
    h('p', { class: 'utrecht-paragraph' }, t('dup.doneBy', { who: (pair.decided_by || '').replace(/^user:/, ''), reason: pair.decision_reason || '' })),
    pair.state === 'linked'
      ? h('p', {}, h('a', { class: 'utrecht-link', href: `#/persons/${personId}` }, t('dup.toPerson')))
      : null);
}

function pairCard(pair) {
  const headingId = `pair-${pair.id}`;
  const body = h('div', {});
  const section = h('section', { class: 'app-pair', 'aria-labelledby': headingId },
    h('h2', { class: 'utrecht-heading-2', id: headingId }, t('dup.pairTitle', { id: pair.id })),
    h('p', { class: 'utrecht-paragraph' }, `${reasonText(pair.reason)} — ${t('dup.score', { pct: num(pair.score * 100, 0) })}`),
    sideBySide(pair),
    body);
  const result = (done) => {
    fill(body, decided(done));
    body.querySelector('[role=status]')?.focus?.();
  };
  if (pair.state === 'open') put(body, decisionForm(pair, result));
  else put(body, decided(pair));
  return section;
}

export async function render(view, params, ctx) {
  const purpose = sessionStorage.getItem('inbeeld.purpose') || t('dup.purpose');
  const [res] = await Promise.all([get(`/api/v1/duplicates${query({ state: 'open', pageSize: 50 })}`, { purpose }), loadNames()]);
  put(view,
    h('h1', { class: 'utrecht-heading-1' }, t('dup.title')),
    h('p', { class: 'utrecht-paragraph' }, t('dup.intro')),
    h('p', { class: 'utrecht-paragraph', role: 'status' },
      res.total === 0 ? t('dup.none') : t(res.total === 1 ? 'dup.countOne' : 'dup.count', { n: res.total })),
    ...res.items.map(pairCard));
  void ctx;
}

// ---------------------------------------------------------------- person page

// The senders' records of a person (person.records), disagreeing
// attributes (person.conflicts) marked, and for admins and caseworkers an
// unlink action per record with a required reason.
export function personRecords(p, ctx, onChange) {
  const records = p.records || [];
  const conflicts = new Set(p.conflicts || []);
  const may = LINKERS.includes(ctx.user.role) && records.length > 1;
  const mark = (key, text) => (conflicts.has(key)
    ? h('span', {}, text, ' ', h('span', { class: 'app-differs' }, h('span', { 'aria-hidden': 'true' }, '≠ '), t('dup.differs')))
    : text);
  const panel = h('div', { class: 'app-edit', hidden: true, tabindex: '-1' });
  const unlink = (r) => {
    const reason = field({ name: 'reason', label: t('dup.unlinkReason'), type: 'textarea', required: true, attrs: { maxlength: 200 } });
    const status = h('p', { class: 'app-form-status', role: 'status' });
    fill(panel,
      h('h3', { class: 'utrecht-heading-3' }, t('dup.unlinkTitle', { ref: r.person_ref, sender: r.sender })),
      h('p', { class: 'utrecht-paragraph' }, t('dup.unlinkIntro')),
      h('form', {
        class: 'app-form', novalidate: true,
        onsubmit: async (e) => {
          e.preventDefault();
          const text = reason.input.value.trim();
          if (!text) { reason.setError(t('dup.reasonRequired')); reason.input.focus(); return; }
          reason.setError('');
          try {
            await request('DELETE', `/api/v1/persons/${p.id}/records/${r.record_id}`, { body: { reason: text } });
            status.textContent = t('dup.unlinked');
            onChange?.();
          } catch (err) {
            status.textContent = err.message || t('shell.errorText');
          }
        },
      }, reason, h('div', { class: 'utrecht-button-group' },
        h('button', { type: 'submit', class: 'utrecht-button utrecht-button--primary-action' }, t('dup.unlink'))), status));
    panel.hidden = false;
    panel.focus();
  };
  const rule = (r) => t(`dup.linkedBy.${r.linked_by || 'own'}`);
  const cols = [
    [t('dup.sender'), (r) => r.sender],
    [t('dup.ref'), (r) => r.person_ref],
    [t('dup.name'), (r) => mark('names', [r.family_name, r.given_names].filter(Boolean).join(', '))],
    [t('dup.birthDate'), (r) => mark('birth_date', date(r.birth_date))],
    [t('dup.sex'), (r) => mark('sex', code('sex', r.sex) || '—')],
    [t('dup.nationality'), (r) => mark('nationality', countryText(r.nationality))],
    [t('dup.category'), (r) => mark('category', code('category', r.category))],
    [t('dup.linkedBy'), rule],
  ];
  if (may) {
    cols.push([t('person.actions'), (r) => h('button', {
      type: 'button', class: 'utrecht-button utrecht-button--secondary-action', onclick: () => unlink(r),
    }, t('dup.unlink'), h('span', { class: 'visually-hidden' }, ` ${r.sender} ${r.person_ref}`))]);
  }
  const caption = t('dup.records');
  return h('div', {},
    conflicts.size
      ? h('p', { class: 'utrecht-paragraph' }, t('dup.conflicts', { list: [...conflicts].map((c) => t(`dup.conflict.${c}`)).join(', ') }))
      : h('p', { class: 'utrecht-paragraph' }, t(records.length > 1 ? 'dup.agree' : 'dup.oneRecord')),
    h('div', { class: 'table-scroll', role: 'region', 'aria-label': caption, tabindex: '0' },
      h('table', { class: 'utrecht-table utrecht-table--html-table app-stack app-records', role: 'table' },
        h('caption', { class: 'utrecht-table__caption visually-hidden' }, caption),
        h('thead', { class: 'utrecht-table__header', role: 'rowgroup' }, h('tr', { class: 'utrecht-table__row', role: 'row' },
          cols.map(([label]) => h('th', { class: 'utrecht-table__header-cell', scope: 'col', role: 'columnheader' }, label)))),
        h('tbody', { class: 'utrecht-table__body', role: 'rowgroup' }, records.map((r) => h('tr', { class: 'utrecht-table__row', role: 'row' },
          cols.map(([label, f]) => stackCell(false, label, f(r)))))))),
    panel);
}
